# The root module. The cmdlets (WebRtcPS.dll) use engine and signaling types, which live in
# Dependencies/ and load in the module's own AssemblyLoadContext; PowerShell inspects those types as
# it imports the assembly, before the assembly's OnImport runs. So the resolver is installed
# first, then the cmdlets are imported from the already loaded assembly.
$bridge = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'WebRtcPS.dll'))
$null = $bridge.GetType('WebRtcPS.Commands.ModuleInitializer', $true).GetMethod('Register').Invoke($null, $null)
Import-Module $bridge.Location
Export-ModuleMember -Cmdlet * -Alias *
