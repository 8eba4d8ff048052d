# Clean failure and Ctrl+C (issue 13): a connect that fails, times out or is stopped, and a stopped
# receive or test, leave no peer, socket or thread behind. Ctrl+C is pressed through the PowerShell
# API (BeginInvoke, then Stop(), which calls StopProcessing), as a host does.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
    $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1

    function New-PeerIds { $tag = [guid]::NewGuid().ToString('N').Substring(0, 8); @{ Offer = "o-$tag"; Answer = "a-$tag" } }

    # Sockets and threads of this process. Thread-pool workers come and go with load (the pool
    # retires idle ones on its own schedule), so they are not counted; every other thread is
    # (DTLS threads, long-running loops, runspace pipelines).
    function Get-ResourceCount {
        $sockets = @(Get-ChildItem /proc/self/fd -ErrorAction SilentlyContinue | Where-Object { $_.LinkTarget -like 'socket:*' }).Count
        $threads = @(Get-ChildItem /proc/self/task | ForEach-Object { Get-Content "$($_.FullName)/comm" -ErrorAction SilentlyContinue } |
            Where-Object { $_ -notlike '.NET TP *' -and $_ -notlike '.NET Tiered*' }).Count
        [pscustomobject]@{ Sockets = $sockets; Threads = $threads }
    }

    # Polls until the counts are back at (or under) the baseline, at most $TimeoutSec; returns the last counts.
    function Wait-Baseline($Baseline, [int] $TimeoutSec = 20) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        do {
            $now = Get-ResourceCount
            if ($now.Sockets -le $Baseline.Sockets -and $now.Threads -le $Baseline.Threads) { return $now }
            [System.Threading.Thread]::Sleep(100)
        } while ([DateTime]::UtcNow -lt $deadline)
        return $now
    }

    # Runs a script in its own [powershell] of this process; the module is imported there first.
    function Start-Stoppable([string] $Script) {
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("Import-Module '$(Get-WrtcTestModulePath)'; $Script")
        $in = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $in.Complete()
        $out = [System.Management.Automation.PSDataCollection[psobject]]::new()
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke($in, $out); Output = $out }
    }

    function Wait-Until([scriptblock] $Condition, [int] $TimeoutSec = 30, [string] $What) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "timed out waiting for $What" }
            [System.Threading.Thread]::Sleep(50)
        }
    }

    # Ctrl+C: returns how long Stop() took, in seconds, and disposes the instance.
    function Stop-Stoppable($Run) {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $Run.PowerShell.Stop()
        $clock.Stop()
        $Run.PowerShell.Dispose()
        $clock.Elapsed.TotalSeconds
    }

    # Warm-up: the first connection creates the process's lasting threads (timers, socket engine).
    $null = Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 60
    $warm = New-PeerIds
    Connect-WrtcPeer -Role Offerer -Id $warm.Offer -RemoteId $warm.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -TimeoutSec 1 -ErrorAction SilentlyContinue | Out-Null
}

AfterAll {
    Close-WrtcPeer -All -Confirm:$false
    $server | Stop-WrtcSignalingServer -Confirm:$false
}

Describe 'A connect that does not end connected releases everything' -Tag 'CI' {
    It 'Ctrl+C during Connect-WrtcPeer unregisters the peer and closes its sockets and threads' {
        $baseline = Get-ResourceCount
        $ids = New-PeerIds
        $run = Start-Stoppable "Connect-WrtcPeer -Role Offerer -Id $($ids.Offer) -RemoteId $($ids.Answer) -SignalingUri $($server.Url) -Interface 127.0.0.1 -TimeoutSec 300"
        # (a PSDataCollection's enumerator blocks until it completes: read it by index)
        Wait-Until { foreach ($i in 0..($run.Output.Count - 1)) { if ($run.Output[$i] -is [WebRtcPS.IceCandidateEvent]) { $true } } } -What 'a local candidate'
        Get-WrtcPeer -Id $ids.Offer | Should -Not -BeNullOrEmpty

        Stop-Stoppable $run | Should -BeLessThan 10
        Get-WrtcPeer -Id $ids.Offer -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $after = Wait-Baseline $baseline
        $after.Sockets | Should -BeLessOrEqual $baseline.Sockets
        $after.Threads | Should -BeLessOrEqual $baseline.Threads
    }

    It 'a timed-out Connect-WrtcPeer unregisters the peer and closes its sockets' {
        $baseline = Get-ResourceCount
        $ids = New-PeerIds
        Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -TimeoutSec 1 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be 'PeerConnectTimeout,WebRtcPS.Commands.Peers.ConnectWrtcPeerCommand'
        Get-WrtcPeer -Id $ids.Offer -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $after = Wait-Baseline $baseline
        $after.Sockets | Should -BeLessOrEqual $baseline.Sockets
        $after.Threads | Should -BeLessOrEqual $baseline.Threads
    }

    It 'a failed connect of a New-WrtcPeer peer keeps the peer, unconnected, and can be tried again' {
        $baseline = Get-ResourceCount
        $ids = New-PeerIds
        $peer = New-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1
        Connect-WrtcPeer -Peer $peer -TimeoutSec 1 -ErrorAction SilentlyContinue | Out-Null
        (Get-WrtcPeer -Id $ids.Offer).ConnectionState | Should -Be 'new'
        $after = Wait-Baseline $baseline
        $after.Sockets | Should -BeLessOrEqual $baseline.Sockets
        Connect-WrtcPeer -Peer $peer -TimeoutSec 1 -ErrorVariable again -ErrorAction SilentlyContinue | Out-Null
        $again[0].FullyQualifiedErrorId | Should -Be 'PeerConnectTimeout,WebRtcPS.Commands.Peers.ConnectWrtcPeerCommand'
        $peer | Close-WrtcPeer -Confirm:$false
    }

    It 'a connected peer stays only when asked for: without -PassThru both sides are closed when the connect ends' {
        $ids = New-PeerIds
        $answerer = Connect-WrtcPeer -Role Answerer -Id $ids.Answer -RemoteId $ids.Offer -SignalingUri $server.Url -Interface 127.0.0.1 -TimeoutSec 60 -AsJob
        $events = Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -TimeoutSec 60
        $answererEvents = $answerer | Wait-Job -Timeout 60 | Receive-Job
        $answerer | Remove-Job -Force
        ($events | Where-Object { $_ -is [WebRtcPS.WrtcMessage] -and $_.Direction -eq 'Received' }).Text | Should -Be 'Hello from the Answerer!'
        ($answererEvents | Where-Object { $_ -is [WebRtcPS.WrtcMessage] -and $_.Direction -eq 'Received' }).Text | Should -Be 'Hello from the Offerer!'
        Get-WrtcPeer -Id $ids.Offer, $ids.Answer -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Ctrl+C during a receive and a test' -Tag 'CI' {
    It 'Ctrl+C during Receive-WrtcMessage returns promptly and leaves the connected peer open' {
        $ids = New-PeerIds
        $job = Connect-WrtcPeer -Role Answerer -Id $ids.Answer -RemoteId $ids.Offer -SignalingUri $server.Url -Interface 127.0.0.1 -NoGreeting -PassThru -AsJob
        $offerer = Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -NoGreeting -PassThru |
            Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        $answerer = $job | Wait-Job -Timeout 60 | Receive-Job | Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        $job | Remove-Job -Force
        $baseline = Get-ResourceCount

        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("param(`$Peer) Import-Module '$(Get-WrtcTestModulePath)'; Receive-WrtcMessage -Peer `$Peer -Count 3 -TimeoutSec 300").AddArgument($answerer)
        $in = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $in.Complete()
        $out = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $run = [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke($in, $out); Output = $out }
        Send-WrtcMessage -Peer $offerer -Message 'first'
        Wait-Until { $run.Output.Count -ge 1 } -What 'the first message'
        $run.Output[0].Text | Should -Be 'first'
        # -Count 3: the progress stream says how far the receive got
        $ps.Streams.Progress | Where-Object StatusDescription -eq '1 of 3 message(s)' | Should -Not -BeNullOrEmpty

        Stop-Stoppable $run | Should -BeLessThan 10
        $answerer.ConnectionState | Should -Be 'connected'
        Send-WrtcMessage -Peer $offerer -Message 'second'
        (Receive-WrtcMessage -Peer $answerer -TimeoutSec 20).Text | Should -Be 'second'
        $after = Wait-Baseline $baseline
        $after.Sockets | Should -BeLessOrEqual $baseline.Sockets
        $after.Threads | Should -BeLessOrEqual $baseline.Threads
        $offerer, $answerer | Close-WrtcPeer -Confirm:$false
    }

    It 'Ctrl+C during Test-WrtcConnection closes its peer and sockets' {
        $baseline = Get-ResourceCount
        $ids = New-PeerIds
        $run = Start-Stoppable "Test-WrtcConnection -SignalingUri $($server.Url) -Id $($ids.Offer) -RemoteId $($ids.Answer) -Interface 127.0.0.1 -TimeoutSec 300"
        Wait-Until { (Get-ResourceCount).Sockets -gt $baseline.Sockets } -What 'the test to open its sockets'
        Stop-Stoppable $run | Should -BeLessThan 10
        $after = Wait-Baseline $baseline
        $after.Sockets | Should -BeLessOrEqual $baseline.Sockets
        $after.Threads | Should -BeLessOrEqual $baseline.Threads
    }

    It 'Stop-Job on Connect-WrtcPeer -AsJob releases the peer' {
        $baseline = Get-ResourceCount
        $ids = New-PeerIds
        $job = Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -TimeoutSec 300 -AsJob
        Wait-Until { Get-WrtcPeer -Id $ids.Offer -ErrorAction SilentlyContinue } -What 'the job to register its peer'
        $job | Stop-Job
        $job.State | Should -Be 'Stopped'
        $job | Remove-Job -Force
        Get-WrtcPeer -Id $ids.Offer -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $after = Wait-Baseline $baseline
        $after.Sockets | Should -BeLessOrEqual $baseline.Sockets
        $after.Threads | Should -BeLessOrEqual $baseline.Threads
    }
}

Describe 'Ctrl+C on a foreground signaling server' -Tag 'CI' {
    It 'stops Start-WrtcSignalingServer -Wait promptly, with its server stopped and its port free, also with streams open' {
        foreach ($round in 1..3) {
            $run = Start-Stoppable 'Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1 -Wait'
            Wait-Until { $run.Output.Count -ge 1 } -What 'the server to be up'
            $info = $run.Output[0]
            Get-WrtcSignalingServer -Port $info.Port | Should -Not -BeNullOrEmpty
            # A peer's /receive stream is open, as when peers are connected to it.
            $client = [System.Net.Http.HttpClient]::new()
            $stream = $client.GetAsync("$($info.Url)receive?id=stop-$round", [System.Net.Http.HttpCompletionOption]::ResponseHeadersRead)
            Wait-Until { $stream.IsCompleted } -What 'the /receive stream to open'
            # Ctrl+C, bounded: a hang fails the test instead of stalling the suite.
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $stop = $run.PowerShell.BeginStop($null, $null)
            $stop.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(30)) | Should -BeTrue -Because "round $($round): Stop() returns"
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
            $run.PowerShell.EndStop($stop)
            $run.PowerShell.Dispose()
            $client.Dispose()
            Get-WrtcSignalingServer -Port $info.Port -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $listener = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, $info.Port)
            { $listener.Start() } | Should -Not -Throw -Because "port $($info.Port) is free again"
            $listener.Stop()
        }
    }
}
