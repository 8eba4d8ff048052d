<#
.SYNOPSIS
    How long a user waits for WebRtcPS in a fresh process (issue 12), in a stock PowerShell (no
    ASP.NET Core beside the runtime), for one or more built module folders side by side.

.DESCRIPTION
    For each module, -Runs fresh processes each measure inside the process:
      import     Import-Module WebRtcPS (ms)
      first      the first Test-WrtcConnection after import (ms), then second (the warm figure)
    and from outside, wall time of a one-shot shell command:
      bare       pwsh -c "Import-Module WebRtcPS"
      oneshot    pwsh -c "Import-Module WebRtcPS; Test-WrtcConnection"   (ratio = oneshot / bare)
    Medians are printed; the targets are import <= 150 ms, first <= 150 ms, ratio <= 1.3.

.EXAMPLE
    dotnet pwsh bench/startup/Measure-Startup.ps1 -Module out/WebRtcPS/WebRtcPS.psd1, /tmp/il/WebRtcPS.psd1
#>
param(
    [string[]] $Module = @((Join-Path $PSScriptRoot '../../out/WebRtcPS/WebRtcPS.psd1')),
    [int] $Runs = 5
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../../tests/Pester/StockRuntime.psm1') -Force
$work = Join-Path ([IO.Path]::GetTempPath()) "wrtc-startup-$PID"
$stock = New-WrtcStockRuntime -Path (Join-Path $work 'stock')

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    if (-not $sorted) { return [double]::NaN }
    $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)]
}

function Measure-Wall([string] $Script) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $r = Invoke-WrtcStockPwsh -Runtime $stock -Script $Script
    $sw.Stop()
    if ($r.ExitCode -ne 0) { throw "failed: $Script`n$($r.Output) $($r.Errors)" }
    $sw.Elapsed.TotalMilliseconds
}

$inProcess = @'
$t0 = [Diagnostics.Stopwatch]::StartNew(); Import-Module '{0}'; $import = $t0.Elapsed.TotalMilliseconds
$t1 = [Diagnostics.Stopwatch]::StartNew(); $r = Test-WrtcConnection -Interface 127.0.0.1; $first = $t1.Elapsed.TotalMilliseconds
$t2 = [Diagnostics.Stopwatch]::StartNew(); $null = Test-WrtcConnection -Interface 127.0.0.1; $second = $t2.Elapsed.TotalMilliseconds
if (-not $r.Success) {{ throw $r.Error }}
'FIG:{{0:F1}} {{1:F1}} {{2:F1}}' -f $import, $first, $second
'@

$rows = foreach ($m in $Module) {
    $path = (Resolve-Path $m).Path
    $import = @(); $first = @(); $second = @(); $bare = @(); $oneshot = @(); $empty = @()
    for ($i = 0; $i -lt $Runs; $i++) {
        $r = Invoke-WrtcStockPwsh -Runtime $stock -Script ($inProcess -f $path)
        $fig = ($r.Output | Where-Object { $_ -like 'FIG:*' }) -replace '^FIG:' -split ' '
        if ($fig.Count -ne 3) { throw "no figures: $($r.Output) $($r.Errors)" }
        $import += [double] $fig[0]; $first += [double] $fig[1]; $second += [double] $fig[2]
        $empty += Measure-Wall "exit 0"
        $bare += Measure-Wall "Import-Module '$path'"
        $oneshot += Measure-Wall "Import-Module '$path'; `$null = Test-WrtcConnection -Interface 127.0.0.1"
    }
    [pscustomobject]@{
        Module       = $path
        ImportMs     = Get-Median $import
        FirstTestMs  = Get-Median $first
        SecondTestMs = Get-Median $second
        PwshEmptyMs  = Get-Median $empty
        BareImportMs = Get-Median $bare
        OneShotMs    = Get-Median $oneshot
        Ratio        = [math]::Round((Get-Median $oneshot) / (Get-Median $bare), 2)
    }
}
Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
$rows | Format-List
