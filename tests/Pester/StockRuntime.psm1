# A "stock" PowerShell, as most users have it: pwsh on a .NET runtime with no ASP.NET Core shared
# framework beside it (PowerShell ships self-contained for Linux, Windows, macOS and containers).
# Built from this machine's SDK: only `dotnet`, `host/` and `shared/Microsoft.NETCore.App/` are
# copied, and the pinned PowerShell tool's pwsh.dll runs on that folder's `dotnet`.

# The dotnet install this process runs on: .../shared/Microsoft.NETCore.App/<version>/ -> its root.
function Get-WrtcDotnetRoot {
    $runtimeDir = [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
    return (Resolve-Path (Join-Path $runtimeDir '../../..')).Path
}

# pwsh.dll of a framework-dependent PowerShell: this one when it is (the dotnet tool), else the
# pinned tool package in the NuGet cache (version from .config/dotnet-tools.json).
function Get-WrtcPwshDll {
    $here = Join-Path $PSHOME 'pwsh.dll'
    $config = Join-Path $PSHOME 'pwsh.runtimeconfig.json'
    if ((Test-Path $here) -and (Test-Path $config) -and ((Get-Content -Raw $config | ConvertFrom-Json).runtimeOptions.PSObject.Properties.Name -contains 'framework')) {
        return $here
    }
    $tools = Get-Content -Raw (Join-Path $PSScriptRoot '../../.config/dotnet-tools.json') | ConvertFrom-Json
    $version = $tools.tools.powershell.version
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $flavour = if ($IsWindows) { 'win' } else { 'unix' }
    $dll = Get-ChildItem (Join-Path $nuget "powershell/$version/tools") -Recurse -Filter pwsh.dll -ErrorAction SilentlyContinue |
        Where-Object { $_.Directory.Name -eq $flavour } | Select-Object -First 1
    if (-not $dll) { throw "pwsh.dll of PowerShell $version not found under $nuget (run: dotnet tool restore)" }
    return $dll.FullName
}

# Copies the runtime (no ASP.NET Core) into $Path; returns a description of the stock PowerShell.
function New-WrtcStockRuntime {
    param([Parameter(Mandatory)] [string] $Path)
    $source = Get-WrtcDotnetRoot
    $exe = if ($IsWindows) { 'dotnet.exe' } else { 'dotnet' }
    $version = [Environment]::Version.ToString(3)
    New-Item -ItemType Directory -Force -Path (Join-Path $Path 'shared/Microsoft.NETCore.App') | Out-Null
    Copy-Item (Join-Path $source $exe) $Path
    Copy-Item (Join-Path $source 'host') $Path -Recurse -Force
    Copy-Item (Join-Path $source "shared/Microsoft.NETCore.App/$version") (Join-Path $Path 'shared/Microsoft.NETCore.App') -Recurse -Force
    [pscustomobject]@{
        Root    = (Resolve-Path $Path).Path
        Dotnet  = Join-Path (Resolve-Path $Path).Path $exe
        PwshDll = Get-WrtcPwshDll
    }
}

# Runs $Script in a fresh stock pwsh; $Environment adds or (with $null) removes variables for it.
# Returns stdout lines, stderr lines and the exit code.
function Invoke-WrtcStockPwsh {
    param(
        [Parameter(Mandatory)] $Runtime,
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{},
        [int] $TimeoutSec = 120
    )
    $psi = [Diagnostics.ProcessStartInfo]::new($Runtime.Dotnet)
    foreach ($a in @($Runtime.PwshDll, '-NoProfile', '-NonInteractive', '-Command', $Script)) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    # Beside the runtime (a temporary folder): what the child leaves in its working directory (PSResourceGet's
    # NuGet client writes NuGet/NuGet.Config there under a fresh HOME) must not land in the repository.
    $psi.WorkingDirectory = Split-Path $Runtime.Root
    foreach ($name in @($psi.Environment.Keys)) {
        if ($name -like 'DOTNET_ROOT*' -or $name -eq 'DOTNET_HOST_PATH') { $psi.Environment.Remove($name) | Out-Null }
    }
    $psi.Environment['DOTNET_ROOT'] = $Runtime.Root
    $psi.Environment['DOTNET_CLI_TELEMETRY_OPTOUT'] = '1'
    $psi.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
    $psi.Environment['POWERSHELL_UPDATECHECK'] = 'Off'
    foreach ($k in $Environment.Keys) {
        if ($null -eq $Environment[$k]) { $psi.Environment.Remove($k) | Out-Null } else { $psi.Environment[$k] = [string] $Environment[$k] }
    }
    $process = [Diagnostics.Process]::Start($psi)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    if (-not $process.WaitForExit($TimeoutSec * 1000)) {
        $process.Kill($true)
        throw "stock pwsh did not finish within $TimeoutSec s: $($stdout.Result)"
    }
    $process.WaitForExit()
    [pscustomobject]@{
        ExitCode = $process.ExitCode
        Output   = @($stdout.Result -split '\r?\n' | Where-Object { $_ })
        Errors   = $stderr.Result
    }
}

# Other versions of the module's dependencies, as another module would bring them
# (tools/Conflicts/Conflicts.Download.csproj puts them in the NuGet cache).
function Get-WrtcConflictingAssembly {
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $paths = @(
        Join-Path $nuget 'bouncycastle.cryptography/2.4.0/lib/net6.0/BouncyCastle.Cryptography.dll'
        Join-Path $nuget 'microsoft.extensions.logging.abstractions/8.0.0/lib/net8.0/Microsoft.Extensions.Logging.Abstractions.dll'
    )
    if (@($paths | Where-Object { -not (Test-Path $_) }).Count) {
        & dotnet restore (Join-Path $PSScriptRoot '../../tools/Conflicts/Conflicts.Download.csproj') -nologo -v q | Out-Host
    }
    foreach ($p in $paths) { if (-not (Test-Path $p)) { throw "$p not found after restore" } }
    return $paths
}

Export-ModuleMember -Function Get-WrtcDotnetRoot, Get-WrtcPwshDll, New-WrtcStockRuntime, Invoke-WrtcStockPwsh, Get-WrtcConflictingAssembly
