# The module in the PowerShell most users have: self-contained, no ASP.NET Core shared framework
# beside the runtime (issue 12). Every cmdlet must work there, also after another module loaded
# its own BouncyCastle and Microsoft.Extensions.Logging into the session first.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'StockRuntime.psm1') -Force
    $stock = New-WrtcStockRuntime -Path (Join-Path $TestDrive 'stock')
    $smoke = Join-Path $PSScriptRoot 'Scripts/Use-EveryCmdlet.ps1'

    function Invoke-Smoke([string] $Module = (Get-WrtcTestModulePath), [string[]] $Preload = @()) {
        $script = "& '$smoke' -Module '$Module' -Preload @($(($Preload | ForEach-Object { "'$_'" }) -join ','))"
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

    It '<_> works' -ForEach 'Import', 'Help', 'Test-WrtcConnection', 'Get-WrtcIceCandidate', 'Test-WrtcIceServer', 'SignalingExchange', 'Peers' {
        $step = $r.$_
        $step.Ok | Should -BeTrue -Because $step.Value
    }

    It 'loads Kestrel and its dependencies in the module''s own context' {
        $r.Kestrel | Should -Be @($r.Kestrel | Where-Object { $_ -like '* in WebRtcPS' })
        @($r.Kestrel).Count | Should -Be 1
        $r.BouncyCastle | Should -Match ' in WebRtcPS$'
    }
}

Describe 'WebRtcPS after another module loaded BouncyCastle 2.4 and Logging.Abstractions 8.0' -Tag 'CI' {
    BeforeAll { $r = Invoke-Smoke -Preload (Get-WrtcConflictingAssembly) }

    It 'the other module''s assemblies were loaded and used first' {
        $r.Preload.Ok | Should -BeTrue -Because $r.Preload.Value
    }

    It '<_> works' -ForEach 'Import', 'Test-WrtcConnection', 'Get-WrtcIceCandidate', 'Test-WrtcIceServer', 'SignalingExchange', 'Peers' {
        $step = $r.$_
        $step.Ok | Should -BeTrue -Because $step.Value
    }

    It 'both copies live side by side: theirs in the default context, ours in the module''s' {
        $r.BouncyCastle | Should -Contain '2.4.0 in Default'
        @($r.BouncyCastle | Where-Object { $_ -like '* in WebRtcPS' }).Count | Should -Be 1
        $r.LoggingAbstractions | Should -Contain '8.0.0 in Default'
        @($r.LoggingAbstractions | Where-Object { $_ -like '10.* in WebRtcPS' }).Count | Should -Be 1
    }
}
