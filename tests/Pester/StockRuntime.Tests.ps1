# The module in the PowerShell most users have: self-contained, no ASP.NET Core shared framework
# beside the runtime (issue 12). Every cmdlet of the built module folder must work there;
# Package.Tests.ps1 does the same with the installed package, after another module's assemblies.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'StockRuntime.psm1') -Force
    $stock = New-WrtcStockRuntime -Path (Join-Path $TestDrive 'stock')
    $smoke = Join-Path $PSScriptRoot 'Scripts/Use-EveryCmdlet.ps1'

    function Invoke-Smoke([string] $Module = (Get-WrtcTestModulePath)) {
        $script = "& '$smoke' -Module '$Module'"
        $run = Invoke-WrtcStockPwsh -Runtime $stock -Script $script
        $line = $run.Output | Where-Object { $_.StartsWith('RESULT:') } | Select-Object -Last 1
        if (-not $line) { throw "no result (exit $($run.ExitCode)): $($run.Output -join "`n") $($run.Errors)" }
        return $line.Substring(7) | ConvertFrom-Json
    }
}

Describe 'WebRtcPS in a stock PowerShell (no ASP.NET Core beside the runtime)' -Tag 'CI' {
    BeforeAll { $r = Invoke-Smoke }

    It 'runs on a runtime without the ASP.NET Core shared framework' {
        $r.AspNetCoreBesideRuntime | Should -BeFalse
    }

    It '<_> works' -ForEach 'Import', 'Help', 'Test-WrtcConnection', 'Get-WrtcIceCandidate', 'Test-WrtcIceServer', 'SignalingExchange', 'Peers', 'BouncyCastleDtls' {
        $step = $r.$_
        $step.Ok | Should -BeTrue -Because $step.Value
    }

    It 'loads Kestrel and its dependencies in the module''s own context' {
        $r.Kestrel | Should -Be @($r.Kestrel | Where-Object { $_ -like '* in WebRtcPS' })
        @($r.Kestrel).Count | Should -Be 1
        $r.BouncyCastle | Should -Match ' in WebRtcPS$'
    }
}

Describe 'WebRtcPS on a platform it has no ReadyToRun images for (the IL fallback)' -Tag 'CI' {
    BeforeAll {
        # The built module without its Dependencies/<rid> folders: what e.g. linux-musl-arm64 or
        # win-arm64 would load.
        $copy = Join-Path $TestDrive 'il/WebRtcPS'
        Copy-Item (Split-Path (Get-WrtcTestModulePath)) $copy -Recurse
        Get-ChildItem (Join-Path $copy 'Dependencies') -Directory | Where-Object Name -NE 'AspNetCore' | Remove-Item -Recurse -Force
        $r = Invoke-Smoke -Module (Join-Path $copy 'WebRtcPS.psd1')
    }

    It 'loads the IL assemblies' {
        $r.EngineFrom | Should -Be (Join-Path $copy 'Dependencies')
    }

    It '<_> works' -ForEach 'Import', 'Test-WrtcConnection', 'SignalingExchange', 'Peers', 'BouncyCastleDtls' {
        $step = $r.$_
        $step.Ok | Should -BeTrue -Because $step.Value
    }
}
