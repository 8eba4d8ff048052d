#!/usr/bin/env pwsh
<#
.SYNOPSIS
    The benchmark suite (issue 15): every figure in one run, written to bench/results/<yyyy-MM-dd>/.

.DESCRIPTION
    Runs, one after the other (each alternates implementations run by run, so that the shared
    machine's load swings hit all alike):
      1. bench/peers --suite: setup cold and warm, echo RTT, bulk 65,535 B and 256 KiB, unordered
         unreliable RTT, peak RSS of a hello process and the memory floor under it: WebRtcPS (JIT with ReadyToRun images; the same with
         pwsh's runtime settings; the same peer as a Native AOT binary), pion and aiortc pairs; 100 peers in
         one process (ours).
      2. bench/peers --relay --suite: setup and bulk relayed by coturn over UDP, TCP and TLS.
      3. bench/signaling --compare: our signaling server against the Go baseline.
    Each writes samples (JSON lines); bench/report turns them into results.md, results.csv and
    PNG plots. Per-process logs go to out/bench/<time>/ (not committed).

.PARAMETER Quick
    Fewer rounds (about 8 minutes instead of about 15 on two busy cores).
#>
[CmdletBinding()]
param(
    [switch] $Quick,
    [string] $OutDir,
    [switch] $SkipBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = Split-Path $PSScriptRoot
$started = [DateTime]::UtcNow
if (-not $OutDir) { $OutDir = Join-Path $root "bench/results/$($started.ToString('yyyy-MM-dd'))" }
$logs = Join-Path $root "out/bench/$($started.ToString('yyyyMMdd-HHmmss'))"
New-Item -ItemType Directory -Force -Path $OutDir, $logs | Out-Null
Get-ChildItem $OutDir -Include 'samples*.jsonl', '*.png', 'loads.txt' -Recurse | Remove-Item

function Get-Load { ((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' ' }

function Invoke-Step {
    param([string] $Name, [string] $Command, [string[]] $Arguments)
    Add-Content (Join-Path $OutDir 'loads.txt') "$Name $(Get-Load)"
    Write-Host "== $Name (load $(Get-Load))" -ForegroundColor Cyan
    & $Command @Arguments 2>&1 | Tee-Object -FilePath (Join-Path $logs "$Name.txt") | Out-Host
    # A benchmark with failed runs still reports what it measured; the report shows the failures.
    if ($LASTEXITCODE -ne 0) { Write-Warning "$Name exited with $LASTEXITCODE (see $logs/$Name.txt)" }
}

if (-not $SkipBuild) {
    foreach ($project in 'peers', 'signaling', 'report') {
        & dotnet build (Join-Path $root "bench/$project") -c Release -m:1 -v q -nologo -clp:'ErrorsOnly;NoSummary'
        if ($LASTEXITCODE -ne 0) { throw "building bench/$project failed" }
    }
}
$bin = { param($project, $name) Join-Path $root "bench/$project/bin/Release/net10.0/$name" }
$peers = & $bin 'peers' 'PeersBench'
$quickArg = @(if ($Quick) { '--quick' })
$loadBefore = Get-Load

Invoke-Step 'peers' $peers (@('--suite', '--aot', '--pwsh-settings') + $quickArg + @('--out', (Join-Path $logs 'peers')))
Copy-Item (Join-Path $logs 'peers/samples.jsonl') (Join-Path $OutDir 'samples-peers.jsonl') -ErrorAction Continue
Invoke-Step 'relay' $peers (@('--relay', '--suite') + $quickArg + @('--out', (Join-Path $logs 'relay')))
Copy-Item (Join-Path $logs 'relay/samples.jsonl') (Join-Path $OutDir 'samples-relay.jsonl') -ErrorAction Continue
Invoke-Step 'signaling' (& $bin 'signaling' 'SignalingBench') @('--compare', '--rounds', $(if ($Quick) { '1' } else { '2' }),
    '--idle', '10000', '--samples', (Join-Path $OutDir 'samples-signaling.jsonl'))

$finished = [DateTime]::UtcNow
$command = 'dotnet pwsh build.ps1 -Task Bench' + $(if ($Quick) { ' -Quick' } else { '' })
[ordered]@{
    started = $started.ToString('yyyy-MM-dd HH:mm'); finished = $finished.ToString('yyyy-MM-dd HH:mm')
    load_before = $loadBefore; load_after = Get-Load; quick = [bool] $Quick; command = $command
    minutes = [math]::Round(($finished - $started).TotalMinutes, 1)
} | ConvertTo-Json | Set-Content (Join-Path $OutDir 'run.json')
& dotnet (& $bin 'report' 'BenchReport.dll') $OutDir
if ($LASTEXITCODE -ne 0) { throw 'bench/report failed' }
Write-Host "Results: $OutDir/results.md ($([math]::Round(($finished - $started).TotalMinutes, 1)) min)" -ForegroundColor Green
