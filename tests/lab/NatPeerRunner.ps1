<#
.SYNOPSIS
    A long-lived WebRtcPS peer host for the NAT matrix: runs in one lab namespace, takes batches of
    jobs (Test-WrtcConnection or Connect-WrtcPeer, with their parameters) as JSON lines from a FIFO,
    runs each batch's jobs in parallel on a runspace pool that imported the module once, and writes
    one JSON line per event to standard output.
.DESCRIPTION
    Starting pwsh costs 1-2 s of CPU; one runner per site runs every cell of the matrix there.
    Input, one line per batch:
        {"batch":"b1","jobs":[{"id":"c27","kind":"test"|"connect","parameters":{...},"user":"alice","password":"secret"}]}
    Output lines:
        {"event":"ready"}                                   the module is loaded, the FIFO is read
        {"event":"started","batch":"b1"}                    every job of the batch has begun
        {"event":"result","batch":"b1","id":"c27",...}      one per job, as each ends
        {"event":"done","batch":"b1"}
    A result carries Success, LocalType, RemoteType, LocalCandidate, RemoteCandidate, SetupMs,
    VerdictMs (Test-WrtcConnection), Error and WallMs (the job's own time, from the cmdlet's start
    to its end); Connect-WrtcPeer's also its Transcript (candidates, states, selected pairs, in ms).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Fifo,
    [int] $MaxParallel = 12
)
$ErrorActionPreference = 'Stop'

$iss = [System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
$iss.ImportPSModule($ModulePath)
$pool = [runspacefactory]::CreateRunspacePool(1, $MaxParallel, $iss, $Host)
$pool.Open()
$out = [Console]::Out
$outLock = [object]::new()

function Write-Line($Object) {
    $line = $Object | ConvertTo-Json -Compress -Depth 6
    [System.Threading.Monitor]::Enter($outLock)
    try { $out.WriteLine($line); $out.Flush() } finally { [System.Threading.Monitor]::Exit($outLock) }
}

# One job: the cmdlet with its parameters, reduced to a flat result. Runs in a pool runspace.
$job = {
    param($Kind, [hashtable] $Parameters, $User, $Password)
    $watch = [Diagnostics.Stopwatch]::StartNew()
    if ($User) { $Parameters.Credential = [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force)) }
    if ($Parameters.IceServer) { $Parameters.IceServer = [string[]] $Parameters.IceServer }
    try {
        if ($Kind -eq 'test') {
            $r = Test-WrtcConnection @Parameters
            $remoteType = if ($r.RemoteCandidate) { ($r.RemoteCandidate -split ' ')[0] } else { $null }
            return [ordered]@{
                Success = $r.Success; LocalType = $r.SelectedPairType; RemoteType = $remoteType
                LocalCandidate = $r.LocalCandidate; RemoteCandidate = $r.RemoteCandidate
                SetupMs = $r.SetupMs; VerdictMs = $r.VerdictMs; IceMs = $r.IceMs; DtlsMs = $r.DtlsMs; Error = $r.Error; WallMs = $watch.Elapsed.TotalMilliseconds
            }
        }
        $errors = $null
        $output = Connect-WrtcPeer @Parameters -ErrorVariable errors -ErrorAction SilentlyContinue
        $pair = @($output | Where-Object { $_.PSObject.Properties['LocalType'] -and $_.PSObject.Properties['RemoteType'] }) | Select-Object -Last 1
        $received = @($output | Where-Object { $_.PSObject.Properties['Direction'] -and "$($_.Direction)" -eq 'Received' })
        $failure = @($errors) | Select-Object -First 1
        # Wall-clock milliseconds (UTC) of: the offer set (offerer), the remote description applied
        # (the answer at the offerer, the offer at the answerer), the last remote candidate, the
        # channel open (for bench/natlab).
        $ms = { param($t) if ($t) { $t.ToUniversalTime().Ticks / 10000.0 } else { $null } }
        $states = @($output | Where-Object { $_.PSObject.Properties['Machine'] })
        $described = $states | Where-Object { $_.Machine -eq 'Signaling' -and (($_.From -eq 'have-local-offer' -and $_.To -eq 'stable') -or $_.To -eq 'have-remote-offer') } |
            Select-Object -First 1
        $lastRemote = @($output | Where-Object { $_.PSObject.Properties['Direction'] -and "$($_.Direction)" -eq 'Remote' -and $_.PSObject.Properties['Foundation'] }) |
            Sort-Object Timestamp | Select-Object -Last 1
        $open = $states | Where-Object { $_.Machine -eq 'Channel' -and $_.To -eq 'open' } | Select-Object -First 1
        $offer = $states | Where-Object { $_.Machine -eq 'Signaling' -and $_.To -eq 'have-local-offer' } | Select-Object -First 1
        # What a cell's failure message quotes: candidates (ours and the peer's, as they came), ICE
        # and signaling states and selected pairs, in ms from the peer's start.
        $transcript = @($output | Where-Object { $_.PSObject.Properties['ElapsedMs'] } | ForEach-Object {
                if ($_.PSObject.Properties['Foundation']) { '{0:0} {1} {2} {3}:{4}' -f $_.ElapsedMs, $_.Direction, $_.Type, $_.Address, $_.Port }
                elseif ($_.PSObject.Properties['LocalType']) { '{0:0} selected {1}->{2}' -f $_.ElapsedMs, $_.LocalType, $_.RemoteType }
                elseif ($_.PSObject.Properties['Machine'] -and "$($_.Machine)" -in 'Ice', 'Signaling', 'Dtls', 'Channel') { '{0:0} {1} {2}' -f $_.ElapsedMs, $_.Machine, $_.To }
            }) -join '; '
        [ordered]@{
            OfferAt = & $ms $offer.Timestamp; RemoteDescriptionAt = & $ms $described.Timestamp; LastRemoteCandidateAt = & $ms $lastRemote.Timestamp
            OpenAt = & $ms $open.Timestamp
            Success = (-not $failure) -and $received.Count -gt 0; LocalType = $pair.LocalType; RemoteType = $pair.RemoteType
            LocalCandidate = if ($pair) { "$($pair.LocalType) $($pair.LocalAddress):$($pair.LocalPort)" } else { $null }
            RemoteCandidate = if ($pair) { "$($pair.RemoteType) $($pair.RemoteAddress):$($pair.RemotePort)" } else { $null }
            SetupMs = $null; Error = if ($failure) { $failure.Exception.Message } else { $null }; WallMs = $watch.Elapsed.TotalMilliseconds
            Transcript = $transcript
        }
    }
    catch {
        [ordered]@{ Success = $false; Error = "$($_.Exception.GetType().Name): $($_.Exception.Message)"; WallMs = $watch.Elapsed.TotalMilliseconds }
    }
}

# Warm-up, off the clock of the first cell: a whole connection in this process (both peers, a
# loopback signaling server) loads and compiles every layer once; a cold first cell would be
# seconds slower on a loaded machine.
$warm = [powershell]::Create()
$warm.RunspacePool = $pool
$null = $warm.AddScript('$null = Test-WrtcConnection -TimeoutSec 30').Invoke()
$warm.Dispose()
Write-Line @{ event = 'ready' }

while ($true) {
    $reader = [System.IO.StreamReader]::new([System.IO.FileStream]::new($Fifo, [System.IO.FileMode]::Open, [System.IO.FileAccess]::Read))
    try {
        while ($null -ne ($line = $reader.ReadLine())) {
            if (-not $line.Trim()) { continue }
            $request = $line | ConvertFrom-Json -AsHashtable
            if ($request.quit) { return }
            $running = foreach ($j in $request.jobs) {
                $ps = [powershell]::Create()
                $ps.RunspacePool = $pool
                $null = $ps.AddScript($job).AddArgument($j.kind).AddArgument([hashtable] $j.parameters).AddArgument($j.user).AddArgument($j.password)
                [pscustomobject]@{ Id = $j.id; PowerShell = $ps; Handle = $ps.BeginInvoke() }
            }
            Write-Line @{ event = 'started'; batch = $request.batch }
            $pending = [System.Collections.Generic.List[object]]::new()
            foreach ($r in @($running)) { $pending.Add($r) }
            while ($pending.Count -gt 0) {
                $index = [System.Threading.WaitHandle]::WaitAny(@($pending | ForEach-Object { $_.Handle.AsyncWaitHandle }))
                $r = $pending[$index]
                $pending.RemoveAt($index)
                try {
                    $result = @($r.PowerShell.EndInvoke($r.Handle)) | Select-Object -Last 1
                    if (-not $result) { $result = [ordered]@{ Success = $false; Error = "no result: $($r.PowerShell.Streams.Error | Select-Object -First 1)" } }
                }
                catch { $result = [ordered]@{ Success = $false; Error = "runner: $($_.Exception.Message)" } }
                $r.PowerShell.Dispose()
                $result.event = 'result'; $result.batch = $request.batch; $result.id = $r.Id
                Write-Line $result
            }
            Write-Line @{ event = 'done'; batch = $request.batch }
        }
    }
    finally { $reader.Dispose() }
}
