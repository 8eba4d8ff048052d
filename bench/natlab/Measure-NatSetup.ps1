<#
.SYNOPSIS
    Connection setup through the NAT lab (issue 11): how long after both sides have the answer and
    the candidates the data channel opens, WebRtcPS against WebRtcPS and pion against WebRtcPS,
    direct (STUN) and relayed cells. Needs root (the lab); not a test: it reports figures.
.DESCRIPTION
    One lab, the signaling server on A, one long-lived WebRtcPS runner per site (as the matrix
    test). Each cell runs -Repeat times, one connection at a time, the routers flushed before each.
    WebRtcPS runs Connect-WrtcPeer on both sides; each side reports, on the machine's clock, when
    it applied the remote description, when its last remote candidate came and when the channel
    opened. "Ready" is the later of both sides' remote description and last remote candidate;
    "after ready" is the offerer's channel open minus ready (none when it opened before the last
    candidate came: counted apart). Against pion only our side's view is used. "Setup" is
    offer -> open.
.EXAMPLE
    sudo dotnet pwsh bench/natlab/Measure-NatSetup.ps1 -Repeat 5
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/WebRtcPS/WebRtcPS.psd1'),
    [int] $Repeat = 5,
    [int[]] $Cells = @(10, 18, 42, 50, 27, 35, 60, 30),
    [switch] $NoPion,
    [string] $Out = (Join-Path $PSScriptRoot '../../out/natlab-setup.md')
)
$ErrorActionPreference = 'Stop'
$lab = Join-Path $PSScriptRoot '../../tests/lab'
Import-Module (Join-Path $lab 'NatLab.psm1') -Force
Import-Module (Join-Path $lab 'NatMatrix.psm1') -Force
$ModulePath = (Resolve-Path $ModulePath).Path
$pion = if ($NoPion) { $null } else { & bash (Join-Path $PSScriptRoot '../../tests/interop/build-go.sh') pion-peer | Select-Object -Last 1 }

function Median([double[]] $x) {
    if (-not $x) { return $null }
    $s = $x | Sort-Object
    if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

function Run-Pair($Lab, $R1, $R2, $Cell, [string] $Kind) {
    $tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
    $o = "o$($Cell.Id)-$tag"; $a = "a$($Cell.Id)-$tag"
    switch ($Kind) {
        'webrtcps' {
            Send-NatMatrixLine $R2 (@{ batch = $tag; jobs = @(New-NatMatrixJob -Lab $Lab -Kind connect -Role Answerer -Id $a -RemoteId $o -Configuration $Cell.Configuration) } | ConvertTo-Json -Compress -Depth 6)
            $null = Wait-NatMatrixBatch $R2 $tag -Event started
            Start-Sleep -Milliseconds 300
            Send-NatMatrixLine $R1 (@{ batch = $tag; jobs = @(New-NatMatrixJob -Lab $Lab -Kind connect -Role Offerer -Id $o -RemoteId $a -Configuration $Cell.Configuration) } | ConvertTo-Json -Compress -Depth 6)
            $off = Wait-NatMatrixBatch $R1 $tag -TimeoutSec 60 | Where-Object event -EQ result
            $ans = Wait-NatMatrixBatch $R2 $tag -TimeoutSec 60 | Where-Object event -EQ result
            if (-not ($off.Success -and $ans.Success)) { return [pscustomobject]@{ Ok = $false; Error = "$($off.Error) / $($ans.Error)" } }
            $ready = ($off.RemoteDescriptionAt, $ans.RemoteDescriptionAt, $off.LastRemoteCandidateAt, $ans.LastRemoteCandidateAt | Measure-Object -Maximum).Maximum
            [pscustomobject]@{ Ok = $true; Path = Get-NatMatrixPath $off.LocalType $ans.LocalType; SetupMs = $off.OpenAt - $off.OfferAt
                AfterReadyMs = if ($off.OpenAt -gt $ready) { $off.OpenAt - $ready } else { $null } }
        }
        default {
            # pion as offerer (site 1) or answerer (site 2): Invoke-NatMatrixPionCells, one cell.
            $r = Invoke-NatMatrixPionCells -Lab $Lab -Site1Runner $R1 -Site2Runner $R2 -Cells @($Cell) -PionRole $Kind -PionPath $pion
            if (-not $r.Connected) { return [pscustomobject]@{ Ok = $false; Error = "$($r.Pion.reason) / $($r.Ours.Error)" } }
            $ours = $r.Ours
            $ready = ($ours.RemoteDescriptionAt, $ours.LastRemoteCandidateAt | Measure-Object -Maximum).Maximum
            [pscustomobject]@{ Ok = $true; Path = $r.Path; SetupMs = [double] $r.SetupMs; AfterReadyMs = if ($ours.OpenAt -gt $ready) { $ours.OpenAt - $ready } else { $null } }
        }
    }
}

$clock = [Diagnostics.Stopwatch]::StartNew()
$l = New-NatLab
try {
    $null = Start-NatMatrixSignaling -Lab $l -ModulePath $ModulePath
    $r1 = Start-NatMatrixRunner -Lab $l -Namespace $l.Namespaces.Host1 -Name site1 -ModulePath $ModulePath
    $r2 = Start-NatMatrixRunner -Lab $l -Namespace $l.Namespaces.Host2 -Name site2 -ModulePath $ModulePath
    $expected = @{}
    foreach ($c in Get-NatMatrixExpected) { $expected[$c.Id] = $c }
    $kinds = @('webrtcps') + $(if ($pion) { 'Offerer', 'Answerer' } else { @() })
    $rows = foreach ($id in $Cells) {
        $cell = $expected[$id]
        Set-NatLabNat -Lab $l -Site 1 -Type (ConvertTo-NatLabType $cell.Site1)
        Set-NatLabNat -Lab $l -Site 2 -Type (ConvertTo-NatLabType $cell.Site2)
        foreach ($kind in $kinds) {
            $runs = foreach ($i in 1..$Repeat) {
                Clear-NatLabConntrack -Lab $l
                Run-Pair $l $r1 $r2 $cell $kind
            }
            $ok = @($runs | Where-Object Ok)
            $row = [pscustomobject]@{
                Cell = $id; Sites = "$($cell.Site1)/$($cell.Site2)"; Configuration = $cell.Configuration
                Peers = switch ($kind) { 'webrtcps' { 'WebRtcPS - WebRtcPS' } 'Offerer' { 'pion offerer - WebRtcPS' } default { 'WebRtcPS - pion answerer' } }
                Path = (@($ok | Group-Object Path | Sort-Object Count -Descending | ForEach-Object { "$($_.Name) x$($_.Count)" }) -join ', ')
                Runs = "$($ok.Count)/$Repeat"
                # Runs that opened before the last remote candidate came have no "after ready".
                AfterReadyMedianMs = Median @($ok | Where-Object { $null -ne $_.AfterReadyMs } | ForEach-Object AfterReadyMs)
                AfterReadyMaxMs = ($ok | Where-Object { $null -ne $_.AfterReadyMs } | Measure-Object AfterReadyMs -Maximum).Maximum
                BeforeLastCandidate = @($ok | Where-Object { $null -eq $_.AfterReadyMs }).Count
                SetupMedianMs = Median @($ok.SetupMs)
                Errors = (@($runs | Where-Object { -not $_.Ok } | ForEach-Object Error) -join '; ')
            }
            $row | Format-List | Out-String | Write-Host
            $row
        }
    }
}
finally {
    Remove-NatLab $l
}
$load = ((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' '
$lines = @(
    '# Setup through the NAT lab'
    ''
    ("{0:yyyy-MM-dd HH:mm} UTC, {1} cores, load average {2}; {3} run(s) per row, one at a time; {4:0} s in all." -f [DateTime]::UtcNow, [Environment]::ProcessorCount, $load, $Repeat, $clock.Elapsed.TotalSeconds)
    ''
    '| cell | sites | ICE | peers | path | ok | after ready, median ms | max ms | opened before the last candidate | setup (offer -> open), median ms | errors |'
    '| ---: | --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |'
) + ($rows | ForEach-Object { '| {0} | {1} | {2} | {3} | {4} | {5} | {6:0} | {7:0} | {8} | {9:0} | {10} |' -f $_.Cell, $_.Sites, $_.Configuration, $_.Peers, $_.Path, $_.Runs, $_.AfterReadyMedianMs, $_.AfterReadyMaxMs, $_.BeforeLastCandidate, $_.SetupMedianMs, $_.Errors })
New-Item -ItemType Directory -Force -Path (Split-Path $Out) | Out-Null
Set-Content -Path $Out -Value $lines
$lines
