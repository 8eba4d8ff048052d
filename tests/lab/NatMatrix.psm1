# The NAT matrix (issue 11) on the lab of NatLab.psm1: the expected table (expected-matrix.md), the
# ICE parameters of each configuration, one long-lived WebRtcPS runner per site (NatPeerRunner.ps1)
# and the signaling server in the public segment, cells run as batches (answerers first, then
# offerers), pion against WebRtcPS, and the Markdown report. Used by tests/Pester/NatMatrix.Tests.ps1
# and bench/natlab.

$script:Here = $PSScriptRoot

# This pwsh, whether native or the dotnet tool (dotnet <tools>/pwsh.dll): how to start another.
function Get-NatMatrixPwsh {
    $process = [Environment]::ProcessPath
    if ($process -match 'dotnet(\.exe)?$') { return @($process, [Reflection.Assembly]::GetEntryAssembly().Location) }
    @($process)
}

<#
.SYNOPSIS
    The cells of expected-matrix.md: Id, Site1, Site2, Configuration, Connects, Path, Why.
#>
function Get-NatMatrixExpected {
    param([string] $Path = (Join-Path $script:Here 'expected-matrix.md'))
    foreach ($line in Get-Content $Path) {
        $c = @($line -split '\|' | ForEach-Object Trim)
        if ($c.Count -lt 8 -or $c[1] -notmatch '^\d+$') { continue }
        [pscustomobject]@{
            Id = [int] $c[1]; Site1 = $c[2]; Site2 = $c[3]; Configuration = $c[4]
            Connects = $c[5] -eq 'connects'; Path = $c[6]; Why = $c[7]
        }
    }
}

# The lab's NAT type names (natlab.sh) as NatLab.psm1 names them.
function ConvertTo-NatLabType([string] $Name) {
    switch ($Name) {
        'none' { 'None' } 'full-cone' { 'FullCone' } 'address-restricted' { 'AddressRestricted' }
        'port-restricted' { 'PortRestricted' } 'symmetric' { 'Symmetric' } 'udp-blocked' { 'UdpBlocked' }
        default { throw "unknown NAT type '$Name'" }
    }
}

<#
.SYNOPSIS
    The ICE servers of a configuration (expected-matrix.md's set-up) in the lab, as URLs, and
    whether it is relay-only and needs the TURN credential.
#>
function Get-NatMatrixIceServers {
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)] [string] $Configuration)
    $a = $Lab.ServerA
    $stun = @("stun:${a}:$($Lab.Turn.Port)", "stun:$($Lab.ServerB):$($Lab.Turn.Port)")
    $turn = switch -Wildcard ($Configuration) {
        '*-udp' { "turn:${a}:$($Lab.Turn.Port)?transport=udp" }
        '*-tcp' { "turn:${a}:$($Lab.Turn.Port)?transport=tcp" }
        '*-tls' { "turns:${a}:$($Lab.Turn.TlsPort)" }
        default { $null }
    }
    $urls = switch -Wildcard ($Configuration) {
        'host' { @() }
        'stun' { $stun }
        'stun+turn-*' { $stun + $turn }
        'relay-*' { @($turn) }
        default { throw "unknown ICE configuration '$Configuration'" }
    }
    [pscustomobject]@{ Urls = @($urls); Turn = [bool] $turn; RelayOnly = $Configuration -like 'relay-*'; Tls = $Configuration -like '*-tls' }
}

# The cmdlet parameters of one side of a cell (WebRtcPS), as the runner takes them.
function New-NatMatrixJob {
    param($Lab, [string] $Kind, [string] $Id, [string] $RemoteId, [string] $Configuration, [int] $TimeoutSec = 20, [string] $Role)
    $ice = Get-NatMatrixIceServers -Lab $Lab -Configuration $Configuration
    if (-not $Role) { $Role = if ($Kind -eq 'test') { 'Offerer' } else { 'Answerer' } }
    $p = [ordered]@{
        Role = $Role
        Id = $Id; RemoteId = $RemoteId
        SignalingUri = "http://$($Lab.ServerA):$($Lab.SignalingPort)"
        TimeoutSec = $TimeoutSec
    }
    if ($ice.Urls.Count) { $p.IceServer = $ice.Urls }
    if ($ice.RelayOnly) { $p.RelayOnly = $true }
    if ($ice.Tls) { $p.SkipCertificateCheck = $true }
    $job = [ordered]@{ id = $Id; kind = $Kind; parameters = $p }
    if ($ice.Turn) { $job.user = $Lab.Turn.User; $job.password = $Lab.Turn.Password }
    $job
}

<#
.SYNOPSIS
    Starts the signaling server (Start-WrtcSignalingServer) on server A in the lab's public segment.
#>
function Start-NatMatrixSignaling {
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)] [string] $ModulePath)
    $pwsh = Get-NatMatrixPwsh
    $script = "Import-Module '$ModulePath'; `$s = Start-WrtcSignalingServer -Port $($Lab.SignalingPort) -ListenAddress $($Lab.ServerA) -HeartbeatIntervalSec 5; " +
        "'listening ' + `$s.Url; [Console]::Out.Flush(); while (`$true) { Start-Sleep -Seconds 3600 }"
    $p = Start-NatLabProcess -Lab $Lab -Namespace $Lab.Namespaces.Server -Name signaling -- @pwsh -NoProfile -NonInteractive -Command $script
    $null = Wait-NatLabProcessOutput $p 'listening' -TimeoutSec 60
    $p
}

<#
.SYNOPSIS
    Starts a NatPeerRunner.ps1 in a lab namespace (a site's LAN host) and waits until it is ready.
#>
function Start-NatMatrixRunner {
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)] [string] $Namespace, [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $ModulePath)
    $logs = Join-Path $Lab.StateDir 'logs'
    New-Item -ItemType Directory -Force -Path $logs | Out-Null
    $fifo = Join-Path $logs "$Name.fifo"
    if (-not (Test-Path $fifo)) { & mkfifo $fifo; if ($LASTEXITCODE) { throw "mkfifo $fifo failed" } }
    $pwsh = Get-NatMatrixPwsh
    $p = Start-NatLabProcess -Lab $Lab -Namespace $Namespace -Name $Name -- @pwsh -NoProfile -NonInteractive -File (Join-Path $script:Here 'NatPeerRunner.ps1') `
        -ModulePath $ModulePath -Fifo $fifo
    $p | Add-Member -NotePropertyName Fifo -NotePropertyValue $fifo
    $p | Add-Member -NotePropertyName Seen -NotePropertyValue 0
    $null = Wait-NatLabProcessOutput $p '"event":"ready"' -TimeoutSec 90
    $p
}

function Stop-NatMatrixRunner {
    param([Parameter(ValueFromPipeline)] $Runner)
    process {
        if (-not $Runner -or $Runner.Process.HasExited) { return }
        try { Send-NatMatrixLine $Runner '{"quit":true}' } catch { }
        if (-not $Runner.Process.WaitForExit(3000)) { Stop-NatLabProcess $Runner }
    }
}

# Writes one line to the runner's FIFO (blocks until the runner reads; the runner always does).
function Send-NatMatrixLine($Runner, [string] $Line) {
    $task = [System.IO.File]::AppendAllTextAsync($Runner.Fifo, $Line + "`n")
    if (-not $task.Wait(10000)) { throw "runner $($Runner.Name) does not read its FIFO" }
}

# The runner's output lines of one batch, as objects, once its 'done' line is there.
function Wait-NatMatrixBatch($Runner, [string] $Batch, [string] $Event = 'done', [double] $TimeoutSec = 60) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ($true) {
        $lines = @(Get-Content $Runner.StdoutPath -ErrorAction SilentlyContinue | Where-Object { $_ -like "*`"batch`":`"$Batch`"*" })
        if ($lines | Where-Object { $_ -like "*`"event`":`"$Event`"*" }) { return @($lines | ForEach-Object { $_ | ConvertFrom-Json }) }
        if ($Runner.Process.HasExited) { throw "runner $($Runner.Name) exited: $(Get-Content -Raw $Runner.StderrPath -ErrorAction SilentlyContinue)" }
        if ([DateTime]::UtcNow -gt $deadline) { throw "runner $($Runner.Name): no '$Event' for batch $Batch within $TimeoutSec s" }
        Start-Sleep -Milliseconds 25
    }
}

# How many relays are on the path, from both sides' selected local candidates: direct, one relay, two relays.
function Get-NatMatrixPath([string] $LocalType1, [string] $LocalType2) {
    $n = @($LocalType1, $LocalType2 | Where-Object { $_ -eq 'relay' }).Count
    @('direct', 'one relay', 'two relays')[$n]
}

<#
.SYNOPSIS
    Runs cells concurrently: site 2's answerers (Connect-WrtcPeer) start first, then site 1's
    offerers (Test-WrtcConnection). Returns one result per cell: what each side got.
#>
function Invoke-NatMatrixCells {
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)] $Site1Runner, [Parameter(Mandatory)] $Site2Runner,
        [Parameter(Mandatory)] [object[]] $Cells, [string] $Batch = ('b' + [guid]::NewGuid().ToString('N').Substring(0, 8)))
    $answerers = foreach ($c in $Cells) { New-NatMatrixJob -Lab $Lab -Kind connect -Id "c$($c.Id)-a-$Batch" -RemoteId "c$($c.Id)-o-$Batch" -Configuration $c.Configuration }
    $offerers = foreach ($c in $Cells) { New-NatMatrixJob -Lab $Lab -Kind test -Id "c$($c.Id)-o-$Batch" -RemoteId "c$($c.Id)-a-$Batch" -Configuration $c.Configuration }
    Send-NatMatrixLine $Site2Runner (@{ batch = $Batch; jobs = @($answerers) } | ConvertTo-Json -Compress -Depth 6)
    $null = Wait-NatMatrixBatch $Site2Runner $Batch -Event started
    # The answerers register with the signaling server as they start: let them, so that the
    # offer is not queued (setup time counts from the offer).
    Start-Sleep -Milliseconds 300
    Send-NatMatrixLine $Site1Runner (@{ batch = $Batch; jobs = @($offerers) } | ConvertTo-Json -Compress -Depth 6)
    $one = Wait-NatMatrixBatch $Site1Runner $Batch -TimeoutSec 90
    $two = Wait-NatMatrixBatch $Site2Runner $Batch -TimeoutSec 90
    foreach ($c in $Cells) {
        $o = $one | Where-Object { $_.event -eq 'result' -and $_.id -eq "c$($c.Id)-o-$Batch" }
        $a = $two | Where-Object { $_.event -eq 'result' -and $_.id -eq "c$($c.Id)-a-$Batch" }
        $connected = [bool] ($o.Success -and $a.Success)
        [pscustomobject]@{
            Cell = $c; Offerer = $o; Answerer = $a; Connected = $connected
            Path = if ($connected) { Get-NatMatrixPath $o.LocalType $a.LocalType } else { '-' }
            SetupMs = $o.SetupMs
            VerdictMs = $o.VerdictMs
            Diagnosis = if ($o.Error -match 'Likely cause: (.*)$') { $Matches[1] } elseif ($o.Error) { $o.Error } else { $null }
        }
    }
}

<#
.SYNOPSIS
    pion (tests/interop/pion-peer) against WebRtcPS, cells at once: pion offerers in site 1 against
    WebRtcPS answerers in site 2 (-PionRole Offerer), or WebRtcPS offerers in site 1 against pion
    answerers in site 2 (-PionRole Answerer). One result per cell.
#>
function Invoke-NatMatrixPionCells {
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)] $Site1Runner, [Parameter(Mandatory)] $Site2Runner,
        [Parameter(Mandatory)] [object[]] $Cells, [Parameter(Mandatory)] [ValidateSet('Offerer', 'Answerer')] [string] $PionRole,
        [Parameter(Mandatory)] [string] $PionPath)
    $batch = 'p' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $role = $PionRole.ToLowerInvariant()
    $ids = @{}
    foreach ($c in $Cells) { $ids[$c.Id] = @{ Offer = "p$($c.Id)-o-$batch"; Answer = "p$($c.Id)-a-$batch" } }
    $startPion = {
        param($Cell, $Namespace)
        $ice = Get-NatMatrixIceServers -Lab $Lab -Configuration $Cell.Configuration
        $own = if ($role -eq 'offerer') { $ids[$Cell.Id].Offer } else { $ids[$Cell.Id].Answer }
        $other = if ($role -eq 'offerer') { $ids[$Cell.Id].Answer } else { $ids[$Cell.Id].Offer }
        # SSL_CERT_FILE: Go's TLS trusts the lab's self-signed TURN certificate (pion has no skip-verify setting here).
        $pionArgs = @('env', "SSL_CERT_FILE=$($Lab.Turn.CertPath)", $PionPath, '-role', $role, '-signaling-addr', "http://$($Lab.ServerA):$($Lab.SignalingPort)",
            '-id', $own, '-remote-id', $other, '-timeout', '20s')
        if ($ice.Urls.Count) { $pionArgs += @('-ice-servers', ($ice.Urls -join ',')) }
        if ($ice.Turn) { $pionArgs += @('-ice-username', $Lab.Turn.User, '-ice-password', $Lab.Turn.Password) }
        if ($ice.RelayOnly) { $pionArgs += '-relay-only' }
        Start-NatLabProcess -Lab $Lab -Namespace $Namespace -Name "pion-$own" -- @pionArgs
    }
    $pions = @{}
    if ($role -eq 'offerer') {
        $jobs = foreach ($c in $Cells) { New-NatMatrixJob -Lab $Lab -Kind connect -Id $ids[$c.Id].Answer -RemoteId $ids[$c.Id].Offer -Configuration $c.Configuration }
        Send-NatMatrixLine $Site2Runner (@{ batch = $batch; jobs = @($jobs) } | ConvertTo-Json -Compress -Depth 6)
        $null = Wait-NatMatrixBatch $Site2Runner $batch -Event started
        Start-Sleep -Milliseconds 300
        foreach ($c in $Cells) { $pions[$c.Id] = & $startPion $c $Lab.Namespaces.Host1 }
        $ours = Wait-NatMatrixBatch $Site2Runner $batch -TimeoutSec 90
    }
    else {
        foreach ($c in $Cells) { $pions[$c.Id] = & $startPion $c $Lab.Namespaces.Host2 }
        foreach ($c in $Cells) { $null = Wait-NatLabProcessOutput $pions[$c.Id] '"event":"ready"' -TimeoutSec 30 }
        $jobs = foreach ($c in $Cells) { New-NatMatrixJob -Lab $Lab -Kind test -Id $ids[$c.Id].Offer -RemoteId $ids[$c.Id].Answer -Configuration $c.Configuration }
        Send-NatMatrixLine $Site1Runner (@{ batch = $batch; jobs = @($jobs) } | ConvertTo-Json -Compress -Depth 6)
        $ours = Wait-NatMatrixBatch $Site1Runner $batch -TimeoutSec 90
    }
    foreach ($c in $Cells) {
        $pion = $pions[$c.Id]
        if (-not $pion.Process.WaitForExit(30000)) { Stop-NatLabProcess $pion }
        $ourId = if ($role -eq 'offerer') { $ids[$c.Id].Answer } else { $ids[$c.Id].Offer }
        $mine = $ours | Where-Object { $_.event -eq 'result' -and $_.id -eq $ourId }
        $events = @(Get-Content $pion.StdoutPath -ErrorAction SilentlyContinue | Where-Object { $_ -like '{*' } | ForEach-Object { $_ | ConvertFrom-Json })
        $result = $events | Where-Object event -EQ 'result' | Select-Object -Last 1
        $pair = $events | Where-Object event -EQ 'selected_pair' | Select-Object -Last 1
        $open = $events | Where-Object event -EQ 'channel_open' | Select-Object -First 1
        $connected = [bool] ($result.ok -and $mine.Success)
        [pscustomobject]@{
            Cell = $c; PionRole = $PionRole; Ours = $mine; Pion = $result; PionPair = $pair; Connected = $connected
            Path = if ($connected) { Get-NatMatrixPath $mine.LocalType $pair.local.type } else { '-' }
            SetupMs = if ($role -eq 'offerer') { $open.setup_ms } else { $mine.SetupMs }
            Selections = @($events | Where-Object event -EQ 'selected_pair').Count
            Transcript = $pion.StdoutPath
        }
    }
}

<#
.SYNOPSIS
    The Markdown report: one row per cell (expected, got, selected pair types, setup ms), the pion
    rows, and the failing cells' diagnoses.
#>
function Write-NatMatrixReport {
    param([Parameter(Mandatory)] [object[]] $Results, [object[]] $PionResults = @(), [Parameter(Mandatory)] [string] $Path,
        [string] $Title = 'NAT matrix', [string[]] $Notes = @())
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add("# $Title")
    $lines.Add('')
    foreach ($n in $Notes) { $lines.Add($n) }
    if ($Notes) { $lines.Add('') }
    $lines.Add('Expected: tests/lab/expected-matrix.md. Pair types: each side''s selected local -> remote candidate type (site 1 offerer; site 2 answerer). ' +
        'Setup: the offerer''s offer created -> data channel open; a site pair''s cells run at once, so these include that load ' +
        '(bench/natlab measures one connection at a time). Verdict: the offerer''s offer created -> its failure.')
    $lines.Add('')
    $lines.Add('| cell | site 1 | site 2 | ICE | expected | got | site 1 pair | site 2 pair | setup ms | verdict ms | ok |')
    $lines.Add('| ---: | --- | --- | --- | --- | --- | --- | --- | ---: | ---: | --- |')
    foreach ($r in $Results | Sort-Object { $_.Cell.Id }) {
        $c = $r.Cell
        $expected = if ($c.Connects) { $c.Path } else { 'fails' }
        $got = if ($r.Connected) { $r.Path } else { 'fails' }
        $p1 = if ($r.Offerer.LocalType) { "$($r.Offerer.LocalType) -> $($r.Offerer.RemoteType)" } else { '' }
        $p2 = if ($r.Answerer.LocalType) { "$($r.Answerer.LocalType) -> $($r.Answerer.RemoteType)" } else { '' }
        $setup = if ($r.Connected -and $null -ne $r.SetupMs) { '{0:0}' -f $r.SetupMs } else { '' }
        $verdict = if ($null -ne $r.VerdictMs) { '{0:0}' -f $r.VerdictMs } else { '' }
        $ok = if ($expected -eq $got) { 'yes' } else { '**NO**' }
        $lines.Add("| $($c.Id) | $($c.Site1) | $($c.Site2) | $($c.Configuration) | $expected | $got | $p1 | $p2 | $setup | $verdict | $ok |")
    }
    if ($PionResults) {
        $lines.Add('')
        $lines.Add('## pion against WebRtcPS')
        $lines.Add('')
        $lines.Add('| cell | site 1 | site 2 | ICE | pion is | expected | got | WebRtcPS pair | pion pair | setup ms | ok |')
        $lines.Add('| ---: | --- | --- | --- | --- | --- | --- | --- | --- | ---: | --- |')
        foreach ($r in $PionResults | Sort-Object { $_.Cell.Id }, PionRole) {
            $c = $r.Cell
            $got = if ($r.Connected) { $r.Path } else { 'fails' }
            $ours = if ($r.Ours.LocalType) { "$($r.Ours.LocalType) -> $($r.Ours.RemoteType)" } else { '' }
            $theirs = if ($r.PionPair) { "$($r.PionPair.local.type) -> $($r.PionPair.remote.type)" } else { '' }
            $setup = if ($r.Connected -and $null -ne $r.SetupMs) { '{0:0}' -f $r.SetupMs } else { '' }
            $ok = if ($c.Path -eq $got) { 'yes' } else { '**NO**' }
            $lines.Add("| $($c.Id) | $($c.Site1) | $($c.Site2) | $($c.Configuration) | $($r.PionRole.ToLowerInvariant()) (site $(if ($r.PionRole -eq 'Offerer') { 1 } else { 2 })) | $($c.Path) | $got | $ours | $theirs | $setup | $ok |")
        }
    }
    $failing = @($Results | Where-Object { -not $_.Connected } | Sort-Object { $_.Cell.Id })
    if ($failing) {
        $lines.Add('')
        $lines.Add('## Diagnoses of the failing cells (site 1, the offerer)')
        $lines.Add('')
        foreach ($r in $failing) {
            $lines.Add("- cell $($r.Cell.Id), $($r.Cell.Site1)/$($r.Cell.Site2), $($r.Cell.Configuration): $($r.Diagnosis)")
        }
    }
    New-Item -ItemType Directory -Force -Path (Split-Path $Path) | Out-Null
    Set-Content -Path $Path -Value $lines
}

Export-ModuleMember -Function Get-NatMatrixExpected, ConvertTo-NatLabType, Get-NatMatrixIceServers, New-NatMatrixJob, Start-NatMatrixSignaling,
    Start-NatMatrixRunner, Stop-NatMatrixRunner, Send-NatMatrixLine, Wait-NatMatrixBatch, Get-NatMatrixPath, Invoke-NatMatrixCells,
    Invoke-NatMatrixPionCells, Write-NatMatrixReport, Get-NatMatrixPwsh
