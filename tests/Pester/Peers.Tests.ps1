BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
    $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1

    # Starts Connect-WrtcPeer in its own runspace of this process (the other side of a test).
    function Start-PeerInRunspace([string] $Arguments) {
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("Import-Module '$(Get-WrtcTestModulePath)'; Connect-WrtcPeer $Arguments")
        $in = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $in.Complete()
        $out = [System.Management.Automation.PSDataCollection[psobject]]::new()
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke($in, $out); Output = $out }
    }

    function Wait-PeerInRunspace($Run, [int] $TimeoutSec = 60) {
        if (-not $Run.Handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSec))) { $Run.PowerShell.Stop(); throw 'the other peer did not finish' }
        $null = $Run.PowerShell.EndInvoke($Run.Handle)
        $errors = @($Run.PowerShell.Streams.Error)
        $Run.PowerShell.Dispose()
        if ($errors.Count) { throw "the other peer failed: $($errors[0])" }
        return $Run.Output
    }

    function New-PeerIds { $tag = [guid]::NewGuid().ToString('N').Substring(0, 8); @{ Offer = "o-$tag"; Answer = "a-$tag" } }
}

AfterAll {
    Close-WrtcPeer -All -Confirm:$false
    $server | Stop-WrtcSignalingServer -Confirm:$false
}

Describe 'Test-WrtcConnection' -Tag 'CI' {
    It 'connects two peers of this process over loopback and says how' {
        $r = Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 60
        $r.PSObject.TypeNames[0] | Should -Be 'WebRtcPS.ConnectionTestResult'
        $r.Success | Should -BeTrue -Because $r.Error
        $r.Mode | Should -Be 'Local'
        $r.SelectedPairType | Should -Be 'host'
        $r.Protocol | Should -Be 'udp'
        $r.LocalCandidate | Should -Match '^host 127\.0\.0\.1:\d+$'
        $r.SetupMs | Should -BeGreaterThan 0
        $r.IceMs | Should -Not -BeNullOrEmpty
        $r.DtlsMs | Should -Not -BeNullOrEmpty
        $r.Error | Should -BeNullOrEmpty
    }

    It 'connects with certificates of its own with -NewCertificate (not the shared one)' {
        $r = Test-WrtcConnection -Interface 127.0.0.1 -NewCertificate -TimeoutSec 60
        $r.Success | Should -BeTrue -Because $r.Error
        $r.Mode | Should -Be 'Local'
    }

    It 'reports a failure against a peer that never answers, with the diagnosis' {
        $ids = New-PeerIds
        $r = Test-WrtcConnection -SignalingUri $server.Url -Id $ids.Offer -RemoteId $ids.Answer -Interface 127.0.0.1 -TimeoutSec 2
        $r.Success | Should -BeFalse
        $r.Mode | Should -Be 'Remote'
        $r.Error | Should -Match 'no answer came'
        $r.Diagnostics | Should -Match 'Signaling'
    }
}

Describe 'Connect-WrtcPeer' -Tag 'CI' {
    It 'runs the original offer/answer workflow and streams candidates, states, the selected pair and the greetings' {
        $ids = New-PeerIds
        $answerer = Start-PeerInRunspace "-Role Answerer -Id $($ids.Answer) -RemoteId $($ids.Offer) -SignalingUri $($server.Url) -Interface 127.0.0.1"
        $events = Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1
        $answererEvents = Wait-PeerInRunspace $answerer

        $local = $events | Where-Object { $_ -is [WebRtcPS.IceCandidateEvent] -and $_.Direction -eq 'Local' }
        $local | Should -Not -BeNullOrEmpty
        $local[0].Address | Should -Be '127.0.0.1'
        $local[0].PeerId | Should -Be $ids.Offer
        $events | Where-Object { $_ -is [WebRtcPS.IceCandidateEvent] -and $_.Direction -eq 'Remote' } | Should -Not -BeNullOrEmpty
        $events | Where-Object { $_ -is [WebRtcPS.StateChange] -and $_.Machine -eq 'Connection' -and $_.To -eq 'connected' } | Should -Not -BeNullOrEmpty
        $events | Where-Object { $_ -is [WebRtcPS.StateChange] -and $_.Machine -eq 'Ice' -and $_.From -eq 'checking' -and $_.To -eq 'connected' } | Should -Not -BeNullOrEmpty
        # One per change: a pair first selected with a peer-reflexive remote is described again
        # once the remote's candidate is signalled (the same route), so there may be two.
        $pairs = @($events | Where-Object { $_ -is [WebRtcPS.SelectedCandidatePair] })
        $pairs | Should -Not -BeNullOrEmpty
        $pairs.LocalType | Select-Object -Unique | Should -Be 'host'
        $pairs[-1].RemoteType | Should -BeIn 'host', 'prflx'
        ($events | Where-Object { $_ -is [WebRtcPS.WrtcMessage] -and $_.Direction -eq 'Received' }).Text | Should -Be 'Hello from the Answerer!'
        ($answererEvents | Where-Object { $_ -is [WebRtcPS.WrtcMessage] -and $_.Direction -eq 'Received' }).Text | Should -Be 'Hello from the Offerer!'
        $events | ForEach-Object { $_.ElapsedMs } | Should -Not -Contain $null
    }

    It 'exports the candidates of a connection to CSV' {
        $ids = New-PeerIds
        $answerer = Start-PeerInRunspace "-Role Answerer -Id $($ids.Answer) -RemoteId $($ids.Offer) -SignalingUri $($server.Url) -Interface 127.0.0.1"
        $csv = Join-Path $TestDrive 'candidates.csv'
        Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 |
            Where-Object { $_ -is [WebRtcPS.IceCandidateEvent] } | Export-Csv -Path $csv
        $null = Wait-PeerInRunspace $answerer
        $rows = Import-Csv $csv
        $rows.Direction | Should -Contain 'Local'
        $rows.Direction | Should -Contain 'Remote'
        $rows[0].PSObject.Properties.Name | Should -Contain 'Priority'
    }

    It 'sends and receives messages after connecting with -PassThru -NoGreeting' {
        $ids = New-PeerIds
        $answerer = Start-PeerInRunspace "-Role Answerer -Id $($ids.Answer) -RemoteId $($ids.Offer) -SignalingUri $($server.Url) -Interface 127.0.0.1 -NoGreeting -PassThru"
        $offerer = Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -NoGreeting -PassThru |
            Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        $answererPeer = Wait-PeerInRunspace $answerer | Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        $offerer.ConnectionState | Should -Be 'connected'
        $offerer.SelectedPair | Should -Match '^host 127\.0\.0\.1'

        'one', 'two', 'three' | Send-WrtcMessage -Peer $offerer
        Send-WrtcMessage -Peer $offerer -Bytes ([byte[]](1, 2, 3, 255))
        $got = Receive-WrtcMessage -Peer $answererPeer -Count 4 -TimeoutSec 20
        $got[0..2].Text | Should -Be 'one', 'two', 'three'
        $got[3].IsBinary | Should -BeTrue
        $got[3].Data | Should -Be ([byte[]](1, 2, 3, 255))

        Send-WrtcMessage -Peer $answererPeer -Message 'back' -PassThru | ForEach-Object Direction | Should -Be 'Sent'
        (Receive-WrtcMessage -Peer $offerer -TimeoutSec 20).Text | Should -Be 'back'

        $pair = Get-WrtcStats -Peer $offerer -Type candidate-pair | Where-Object Selected
        $pair.RequestsSent + $pair.ResponsesReceived | Should -BeGreaterThan 0
        (Get-WrtcStats -Peer $offerer -Type data-channel).MessagesSent | Should -BeGreaterOrEqual 4

        (Get-WrtcPeer -Id $ids.Offer).ConnectionState | Should -Be 'connected'
        $closed = $offerer, $answererPeer | Close-WrtcPeer -PassThru -Confirm:$false
        $closed.Count | Should -Be 2
        Get-WrtcPeer -Id $ids.Offer -ErrorAction SilentlyContinue | Should -BeNullOrEmpty   # an unknown exact id is now also an error (issue 13)
    }

    It 'fails with a diagnosis when nobody answers' {
        $ids = New-PeerIds
        { Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -TimeoutSec 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PeerConnectTimeout,WebRtcPS.Commands.Peers.ConnectWrtcPeerCommand'
        Connect-WrtcPeer -Role Offerer -Id "$($ids.Offer)x" -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -TimeoutSec 2 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].ErrorDetails.Message | Should -Match "no answer came from '$($ids.Answer)'"
        $err[0].ErrorDetails.Message | Should -Match 'ICE'
    }

    It 'rejects bad parameters with clear errors' {
        { Connect-WrtcPeer -SignalingUri 'ftp://x' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSignalingUri,WebRtcPS.Commands.Peers.ConnectWrtcPeerCommand'
        { New-WrtcPeer -SignalingUri $server.Url -MaxRetransmits 0 -MaxPacketLifeTimeMs 100 } | Should -Throw -ErrorId 'AmbiguousParameterSet,WebRtcPS.Commands.Peers.NewWrtcPeerCommand' # one policy per parameter set (issue 13)
        # -SignalingUri is mandatory (issue 13): the binder, not a run-time check, reports it missing.
        { New-WrtcPeer -ErrorAction Stop } | Should -Throw -ErrorId 'MissingMandatoryParameter,WebRtcPS.Commands.Peers.NewWrtcPeerCommand'
        { New-WrtcPeer -SignalingUri $server.Url -IceServer 'nope:x' } | Should -Throw -ErrorId 'InvalidIceServerUri,WebRtcPS.Commands.Peers.NewWrtcPeerCommand'
        $peer = New-WrtcPeer -SignalingUri $server.Url -Id 'idle-peer'
        Send-WrtcMessage -Peer $peer -Message 'x' -ErrorVariable sendErr -ErrorAction SilentlyContinue
        $sendErr[0].FullyQualifiedErrorId | Should -Be 'PeerNotConnected,WebRtcPS.Commands.Peers.SendWrtcMessageCommand'
        $peer | Close-WrtcPeer -Confirm:$false
    }
}

Describe 'The two-process workflow' -Tag 'CI' {
    It 'connects an answerer and an offerer running in separate pwsh processes' {
        $ids = New-PeerIds
        $pwsh = [Environment]::ProcessPath
        $prefix = @(if ($pwsh -match 'dotnet(\.exe)?$') { [Reflection.Assembly]::GetEntryAssembly().Location })
        $module = Get-WrtcTestModulePath
        $run = {
            param($role, $id, $remote)
            $script = "Import-Module '$module'; Connect-WrtcPeer -Role $role -Id $id -RemoteId $remote -SignalingAddr $($server.Url) -Interface 127.0.0.1 -TimeoutSec 60 | Where-Object { `$_ -is [WebRtcPS.WrtcMessage] } | ForEach-Object { 'MSG ' + `$_.Direction + ' ' + `$_.Text }"
            $info = [System.Diagnostics.ProcessStartInfo]::new($pwsh)
            foreach ($a in $prefix + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $info.ArgumentList.Add($a) }
            $info.RedirectStandardOutput = $true
            $info.RedirectStandardError = $true
            $p = [System.Diagnostics.Process]::Start($info)
            [pscustomobject]@{ Process = $p; Out = $p.StandardOutput.ReadToEndAsync(); Err = $p.StandardError.ReadToEndAsync() }
        }
        $answerer = & $run 'Answerer' $ids.Answer $ids.Offer
        $offerer = & $run 'Offerer' $ids.Offer $ids.Answer
        try {
            foreach ($p in $answerer, $offerer) {
                $p.Process.WaitForExit(90000) | Should -BeTrue
                $p.Process.ExitCode | Should -Be 0 -Because $p.Err.Result
            }
            ($offerer.Out.Result -split "`n").Trim() | Should -Contain 'MSG Received Hello from the Answerer!'
            ($answerer.Out.Result -split "`n").Trim() | Should -Contain 'MSG Received Hello from the Offerer!'
        }
        finally {
            foreach ($p in $answerer, $offerer) { if (-not $p.Process.HasExited) { $p.Process.Kill($true) } }
        }
    }
}

Describe 'ICE-TCP' -Tag 'CI' {
    It 'connects two peers over TCP host candidates with UDP disabled' {
        $r = Test-WrtcConnection -Interface 127.0.0.1 -Protocol Tcp -TimeoutSec 60
        $r.Success | Should -BeTrue -Because "$($r.Error) $($r.Diagnostics)"
        $r.Protocol | Should -Be 'tcp'
        $r.SelectedPairType | Should -Match 'host|prflx'
    }

    It 'gathers passive and active TCP candidates' {
        $c = Get-WrtcIceCandidate -Interface 127.0.0.1 -Protocol Tcp -NoSummary
        $c.TcpType | Sort-Object -Unique | Should -Be @('active', 'passive')
        $c.Protocol | Sort-Object -Unique | Should -Be 'tcp'
    }
}
