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

# Run by run, every module in turn (alternating), so that the shared machine's load swings hit
# all modules alike.
$paths = @($Module | ForEach-Object { (Resolve-Path $_).Path })
$figures = @{}
foreach ($path in $paths) { $figures[$path] = @{ Import = @(); First = @(); Second = @(); Bare = @(); OneShot = @(); Empty = @() } }
for ($i = 0; $i -lt $Runs; $i++) {
    foreach ($path in $paths) {
        $f = $figures[$path]
        $r = Invoke-WrtcStockPwsh -Runtime $stock -Script ($inProcess -f $path)
        $fig = ($r.Output | Where-Object { $_ -like 'FIG:*' }) -replace '^FIG:' -split ' '
        if ($fig.Count -ne 3) { throw "no figures: $($r.Output) $($r.Errors)" }
        $f.Import += [double] $fig[0]; $f.First += [double] $fig[1]; $f.Second += [double] $fig[2]
        $f.Empty += Measure-Wall "exit 0"
        $f.Bare += Measure-Wall "Import-Module '$path'"
        $f.OneShot += Measure-Wall "Import-Module '$path'; `$null = Test-WrtcConnection -Interface 127.0.0.1"
    }
}
$rows = foreach ($path in $paths) {
    $f = $figures[$path]
    [pscustomobject]@{
        Module       = $path
        ImportMs     = Get-Median $f.Import
        FirstTestMs  = Get-Median $f.First
        SecondTestMs = Get-Median $f.Second
        PwshEmptyMs  = Get-Median $f.Empty
        BareImportMs = Get-Median $f.Bare
        OneShotMs    = Get-Median $f.OneShot
        Ratio        = [math]::Round((Get-Median $f.OneShot) / (Get-Median $f.Bare), 2)
    }
}
Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
$rows | Format-List
