# The package users install (issue 12): a complete manifest, and the .nupkg of build.ps1 -Task Package
# published to a file repository and installed with PSResourceGet like a user would, then used in a
# stock PowerShell (no ASP.NET Core beside the runtime) after another module loaded its own
# BouncyCastle and Microsoft.Extensions.Logging.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'StockRuntime.psm1') -Force
    $manifestPath = Get-WrtcTestModulePath
    [xml] $props = Get-Content -Raw (Join-Path $PSScriptRoot '../../Directory.Build.props')
    $version = [string] ($props.Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1)
}

Describe 'The module manifest' -Tag 'CI' {
    BeforeAll { $manifest = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop }

    It 'passes Test-ModuleManifest' {
        $manifest.Name | Should -Be 'WebRtcPS'
    }

    It 'has the one version of Directory.Build.props, also in the assembly' {
        $manifest.Version | Should -Be ([version] $version)
        $dll = Join-Path (Split-Path $manifestPath) 'WebRtcPS.dll'
        [Reflection.AssemblyName]::GetAssemblyName($dll).Version | Should -Be ([version] "$version.0")
    }

    It 'names the project, the license, the release notes and where help lives' {
        $manifest.ProjectUri | Should -Match '^https://'
        $manifest.LicenseUri | Should -Match '^https://.*LICENSE$'
        $manifest.HelpInfoUri | Should -Match '^https://'
        $manifest.ReleaseNotes | Should -Match 'First release'
        Join-Path (Split-Path $manifestPath) 'LICENSE' | Should -FileContentMatch 'MIT License'
    }
}

Describe 'The package, installed with PSResourceGet into a clean user profile' -Tag 'CI' {
    BeforeAll {
        $package = if ($env:WRTC_PACKAGE_PATH) { $env:WRTC_PACKAGE_PATH } else { Join-Path $PSScriptRoot "../../out/WebRtcPS.$version.nupkg" }
        $stock = New-WrtcStockRuntime -Path (Join-Path $TestDrive 'stock')
        $feed = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'feed')
        $userHome = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'home')
        # Nothing of the user's: a fresh HOME (module path, PSResourceGet's repository list).
        $clean = @{ HOME = $userHome.FullName; PSModulePath = $null; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null }

        $install = Invoke-WrtcStockPwsh -Runtime $stock -Environment $clean -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name LocalFeed -Uri '$($feed.FullName)' -Trusted
Publish-PSResource -NupkgPath '$package' -Repository LocalFeed
Install-PSResource -Name WebRtcPS -Repository LocalFeed -Scope CurrentUser
'INSTALLED:' + (Get-InstalledPSResource -Name WebRtcPS -Scope CurrentUser).InstalledLocation
"@
        $installed = ($install.Output | Where-Object { $_.StartsWith('INSTALLED:') }) -replace '^INSTALLED:'

        $smoke = Join-Path $PSScriptRoot 'Scripts/Use-EveryCmdlet.ps1'
        $preload = (Get-WrtcConflictingAssembly | ForEach-Object { "'$_'" }) -join ','
        $run = Invoke-WrtcStockPwsh -Runtime $stock -Environment $clean -Script "& '$smoke' -Module WebRtcPS -Preload @($preload)"
        $line = $run.Output | Where-Object { $_.StartsWith('RESULT:') } | Select-Object -Last 1
        $r = if ($line) { $line.Substring(7) | ConvertFrom-Json }
    }

    It 'is the package of this version' {
        $package | Should -Exist
        Split-Path -Leaf $package | Should -Be "WebRtcPS.$version.nupkg"
    }

    It 'carries ReadyToRun images for linux-x64, linux-arm64, win-x64 and osx-arm64, and the IL for the rest' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($package)
        try { $entries = $zip.Entries.FullName -replace '%2B', '+' } finally { $zip.Dispose() }
        $il = @($entries | Where-Object { $_ -match '^Dependencies/[^/]+\.dll$' } | ForEach-Object { Split-Path -Leaf $_ })
        $il | Should -Contain 'WebRtcPS.Engine.dll'
        $il | Should -Contain 'BouncyCastle.Cryptography.dll'
        $kestrel = 'Microsoft.AspNetCore.Server.Kestrel.Core.dll'
        $entries | Should -Contain "Dependencies/AspNetCore/$kestrel"
        foreach ($rid in 'linux-x64', 'linux-arm64', 'win-x64', 'osx-arm64') {
            foreach ($name in $il) { $entries | Should -Contain "Dependencies/$rid/$name" }
            if ($rid -ne 'linux-x64') { $entries | Should -Contain "Dependencies/$rid/AspNetCore/$kestrel" }
        }
    }

    It 'publishes to a file repository and installs for the current user' {
        $install.ExitCode | Should -Be 0 -Because "$($install.Output) $($install.Errors)"
        $installed | Should -BeLike "$($userHome.FullName)*"
        Join-Path $feed "WebRtcPS.$version.nupkg" | Should -Exist
    }

    It 'imports by name from the user''s module path' {
        $r | Should -Not -BeNullOrEmpty -Because "$($run.Output) $($run.Errors)"
        $r.Import.Ok | Should -BeTrue -Because $r.Import.Value
        $r.Import.Value | Should -BeLike "$version $($userHome.FullName)*"
    }

    It 'runs in a PowerShell without ASP.NET Core beside its runtime, after another module''s assemblies' {
        $r.AspNetCoreBesideRuntime | Should -BeFalse
        $r.Preload.Ok | Should -BeTrue -Because $r.Preload.Value
    }

    It 'loads this platform''s ReadyToRun images when the package has them' {
        $rid = "$(if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' })-$(([Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture).ToString().ToLowerInvariant())"
        $expected = if ($rid -in 'linux-x64', 'linux-arm64', 'win-x64', 'osx-arm64') { "Dependencies$([IO.Path]::DirectorySeparatorChar)$rid" } else { 'Dependencies' }
        $r.EngineFrom | Should -BeLike "*$expected"
    }

    It '<_> works' -ForEach 'Help', 'Test-WrtcConnection', 'Get-WrtcIceCandidate', 'Test-WrtcIceServer', 'SignalingExchange', 'Peers', 'BouncyCastleDtls' {
        $step = $r.$_
        $step.Ok | Should -BeTrue -Because $step.Value
    }

    It 'keeps both copies side by side: theirs in the default context, ours in the module''s' {
        $r.BouncyCastle | Should -Contain '2.4.0 in Default'
        @($r.BouncyCastle | Where-Object { $_ -like '* in WebRtcPS' }).Count | Should -Be 1
        $r.LoggingAbstractions | Should -Contain '8.0.0 in Default'
        @($r.LoggingAbstractions | Where-Object { $_ -like '10.* in WebRtcPS' }).Count | Should -Be 1
    }
}
