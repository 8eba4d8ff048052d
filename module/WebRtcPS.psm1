# The root module. The cmdlets (WebRtcPS.dll) use engine and signaling types, which live in
# Dependencies/ and load in the module's own AssemblyLoadContext; PowerShell inspects those types as
# it imports the assembly, before the assembly's OnImport runs. So the resolver is installed
# first, then the cmdlets are imported from the already loaded assembly.
# The cmdlets' ReadyToRun image for this platform when the package carries one (less to JIT-compile
# in a fresh process), else the IL in the module folder.
$os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
$image = [System.IO.Path]::Combine($PSScriptRoot, 'Dependencies', "$os-$("$([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture)".ToLowerInvariant())", 'WebRtcPS.dll')
if (-not [System.IO.File]::Exists($image)) { $image = [System.IO.Path]::Combine($PSScriptRoot, 'WebRtcPS.dll') }
$bridge = [System.Reflection.Assembly]::LoadFrom($image)
$null = $bridge.GetType('WebRtcPS.Commands.ModuleInitializer', $true).GetMethod('Register').Invoke($null, $null)
Import-Module $bridge.Location
Export-ModuleMember -Cmdlet * -Alias *
