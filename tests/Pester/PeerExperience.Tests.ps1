# Seeing what happens and scripting it (issue 13): Write-Progress records a host receives, engine
# logs on -Verbose/-Debug, Test-WrtcConnection -Quiet, -AsJob, the echo answerer and a continuous receive.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
    $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1

    function New-PeerIds { $tag = [guid]::NewGuid().ToString('N').Substring(0, 8); @{ Offer = "o-$tag"; Answer = "a-$tag" } }

    # Runs a script in its own [powershell] (as an editor or a hosting application does) and
    # returns the instance, its streams readable.
    function Invoke-Hosted([string] $Script, [object[]] $Arguments = @()) {
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("Import-Module '$(Get-WrtcTestModulePath)'; $Script")
        foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
        $output = $ps.Invoke()
        [pscustomobject]@{ Output = $output; Streams = $ps.Streams; PowerShell = $ps }
    }

    # A connected pair: the answerer in a thread job, the offerer here; both kept (-PassThru).
    function New-ConnectedPair {
        $ids = New-PeerIds
        $job = Connect-WrtcPeer -Role Answerer -Id $ids.Answer -RemoteId $ids.Offer -SignalingUri $server.Url -Interface 127.0.0.1 -NoGreeting -PassThru -AsJob
        $offerer = Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -NoGreeting -PassThru |
            Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        $answerer = $job | Wait-Job -Timeout 60 | Receive-Job | Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        $job | Remove-Job -Force
        [pscustomobject]@{ Offerer = $offerer; Answerer = $answerer }
    }
}

AfterAll {
    Close-WrtcPeer -All -Confirm:$false
    $server | Stop-WrtcSignalingServer -Confirm:$false
}

Describe 'Write-Progress' -Tag 'CI' {
    It 'Connect-WrtcPeer reports each stage, against -TimeoutSec, to the host''s Progress stream' {
        $ids = New-PeerIds
        $job = Connect-WrtcPeer -Role Answerer -Id $ids.Answer -RemoteId $ids.Offer -SignalingUri $server.Url -Interface 127.0.0.1 -AsJob
        $run = Invoke-Hosted "Connect-WrtcPeer -Role Offerer -Id $($ids.Offer) -RemoteId $($ids.Answer) -SignalingUri $($server.Url) -Interface 127.0.0.1 -TimeoutSec 60"
        $null = $job | Wait-Job -Timeout 60
        $job | Remove-Job -Force
        $records = @($run.Streams.Progress)
        $records | Should -Not -BeNullOrEmpty
        $records[0].Activity | Should -Be "Connecting '$($ids.Offer)' to '$($ids.Answer)'"
        $status = $records.StatusDescription
        $status | Should -Contain 'Gathering candidates'
        $status | Where-Object { $_ -like 'Signaling: *' } | Should -Not -BeNullOrEmpty
        $status | Where-Object { $_ -like 'Checking candidate pairs*' } | Should -Not -BeNullOrEmpty
        $status | Where-Object { $_ -like '*DTLS*' } | Should -Not -BeNullOrEmpty
        $status | Where-Object { $_ -like '*SCTP*' } | Should -Not -BeNullOrEmpty
        $status | Should -Contain 'Data channel open; exchanging greetings'
        $records | Where-Object RecordType -eq 'Processing' | ForEach-Object { $_.PercentComplete | Should -BeIn (0..99) }
        $records[-1].RecordType | Should -Be 'Completed'
        $run.PowerShell.Dispose()
    }

    It 'is quiet under $ProgressPreference = SilentlyContinue' {
        $ids = New-PeerIds
        $run = Invoke-Hosted "`$ProgressPreference = 'SilentlyContinue'; Connect-WrtcPeer -Role Offerer -Id $($ids.Offer) -RemoteId $($ids.Answer) -SignalingUri $($server.Url) -Interface 127.0.0.1 -TimeoutSec 1"
        $run.Streams.Progress.Count | Should -Be 0
        $run.Streams.Error.Count | Should -Be 1
        $run.PowerShell.Dispose()
    }

    It 'Get-WrtcIceCandidate counts the servers that answered; Test-WrtcIceServer says which server of how many' {
        $run = Invoke-Hosted 'Get-WrtcIceCandidate -Interface 127.0.0.1 -IceServer stun:127.0.0.1:9 -TimeoutSec 2 -NoSummary | Out-Null; Test-WrtcIceServer stun:127.0.0.1:9, stun:127.0.0.1:7 -TimeoutSec 1 | Out-Null'
        $gathering = @($run.Streams.Progress | Where-Object Activity -eq 'Gathering ICE candidates')
        $gathering[0].StatusDescription | Should -Be '0 of 1 server(s) answered'
        $gathering[-1].RecordType | Should -Be 'Completed'
        $servers = @($run.Streams.Progress | Where-Object Activity -eq 'Testing ICE servers')
        $servers.StatusDescription | Should -Contain 'Server 1 of 2'
        $servers.StatusDescription | Should -Contain 'Server 2 of 2'
        ($servers | Where-Object StatusDescription -eq 'Server 2 of 2').CurrentOperation | Should -Be 'stun:127.0.0.1:7'
        $run.PowerShell.Dispose()
    }
}

Describe 'Engine logs on -Verbose and -Debug' -Tag 'CI' {
    It 'Test-WrtcConnection -Verbose shows ICE, DTLS and connection lines; without -Verbose there are none' {
        $loud = Invoke-Hosted 'Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 60 -Verbose'
        $lines = $loud.Streams.Verbose.Message
        $lines | Where-Object { $_ -match '\] ICE: ' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -match '\] PeerConnection: DTLS connected' } | Should -Not -BeNullOrEmpty
        $loud.PowerShell.Dispose()

        $quiet = Invoke-Hosted 'Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 60'
        $quiet.Output[0].Success | Should -BeTrue
        $quiet.Streams.Verbose.Count | Should -Be 0
        $quiet.Streams.Debug.Count | Should -Be 0
        $quiet.PowerShell.Dispose()
    }

    It 'Connect-WrtcPeer -Debug shows the engine''s debug lines; $VerbosePreference works as -Verbose does' {
        $ids = New-PeerIds
        $run = Invoke-Hosted "Connect-WrtcPeer -Role Offerer -Id $($ids.Offer) -RemoteId $($ids.Answer) -SignalingUri $($server.Url) -Interface 127.0.0.1 -TimeoutSec 1 -Debug -ErrorAction SilentlyContinue"
        $run.Streams.Debug.Message | Where-Object { $_ -match '\] ICE: ' } | Should -Not -BeNullOrEmpty
        $run.PowerShell.Dispose()

        $byPreference = Invoke-Hosted "`$VerbosePreference = 'Continue'; Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 60"
        $byPreference.Streams.Verbose.Message | Where-Object { $_ -match '\] ICE: ' } | Should -Not -BeNullOrEmpty
        $byPreference.PowerShell.Dispose()
    }

    It 'Get-WrtcIceCandidate -Debug shows the ICE agent''s lines' {
        $run = Invoke-Hosted 'Get-WrtcIceCandidate -Interface 127.0.0.1 -TimeoutSec 5 -Debug | Out-Null'
        $run.Streams.Debug.Message | Where-Object { $_ -match '\] ICE: ' } | Should -Not -BeNullOrEmpty
        $run.PowerShell.Dispose()
        $silent = Invoke-Hosted 'Get-WrtcIceCandidate -Interface 127.0.0.1 -TimeoutSec 5 | Out-Null'
        $silent.Streams.Debug.Count | Should -Be 0
        $silent.Streams.Verbose.Count | Should -Be 0
        $silent.PowerShell.Dispose()
    }
}

Describe 'Test-WrtcConnection -Quiet and -AsJob' -Tag 'CI' {
    It '-Quiet returns $true or $false' {
        $ok = Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 60 -Quiet
        $ok | Should -BeOfType [bool]
        $ok | Should -BeTrue
        $ids = New-PeerIds
        $failed = Test-WrtcConnection -SignalingUri $server.Url -Id $ids.Offer -RemoteId $ids.Answer -Interface 127.0.0.1 -TimeoutSec 1 -Quiet
        $failed | Should -BeOfType [bool]
        $failed | Should -BeFalse
    }

    It '-AsJob returns a job that Wait-Job and Receive-Job handle' {
        $job = Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 60 -AsJob
        $job | Should -BeOfType [System.Management.Automation.Job]
        $result = $job | Wait-Job -Timeout 60 | Receive-Job
        $job.State | Should -Be 'Completed'
        $job | Remove-Job
        $result.Success | Should -BeTrue -Because $result.Error
        $result.PSObject.TypeNames[0] | Should -Be 'WebRtcPS.ConnectionTestResult'
    }
}

Describe 'Scripted checks: the echo answerer and a continuous receive' -Tag 'CI' {
    It 'Connect-WrtcPeer -Role Answerer -Echo sends every message back until the channel closes' {
        $ids = New-PeerIds
        $echo = Connect-WrtcPeer -Role Answerer -Id $ids.Answer -RemoteId $ids.Offer -SignalingUri $server.Url -Interface 127.0.0.1 -Echo -AsJob
        # The offerer's greeting comes back as the "remote greeting": a default connect completes.
        $events = Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -PassThru -TimeoutSec 60
        ($events | Where-Object { $_ -is [WebRtcPS.WrtcMessage] -and $_.Direction -eq 'Received' }).Text | Should -Be 'Hello from the Offerer!'
        $peer = $events | Where-Object { $_ -is [WebRtcPS.WrtcPeer] }

        Send-WrtcMessage -Peer $peer -Message 'ping'
        Send-WrtcMessage -Peer $peer -Bytes ([byte[]](0, 1, 254, 255))
        $back = Receive-WrtcMessage -Peer $peer -Count 2 -TimeoutSec 20
        $back[0].Text | Should -Be 'ping'
        $back[1].IsBinary | Should -BeTrue
        $back[1].Data | Should -Be ([byte[]](0, 1, 254, 255))

        $peer | Close-WrtcPeer -Confirm:$false
        $null = $echo | Wait-Job -Timeout 30
        $echo.State | Should -Be 'Completed'
        $echoed = $echo | Receive-Job | Where-Object { $_ -is [WebRtcPS.WrtcMessage] }
        $echo | Remove-Job
        ($echoed | Where-Object Direction -eq 'Sent').Count | Should -Be 3
        Get-WrtcPeer -Id $ids.Answer -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Receive-WrtcMessage -Continuous returns every message until -TimeoutSec, without an error' {
        $pair = New-ConnectedPair
        'a', 'b', 'c' | Send-WrtcMessage -Peer $pair.Offerer
        $got = Receive-WrtcMessage -Peer $pair.Answerer -Continuous -TimeoutSec 2 -ErrorVariable err
        $got.Text | Should -Be 'a', 'b', 'c'
        $err | Should -BeNullOrEmpty
        { Receive-WrtcMessage -Peer $pair.Answerer -Continuous -Count 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ContinuousWithCount,WebRtcPS.Commands.Peers.ReceiveWrtcMessageCommand'
        $pair.Offerer, $pair.Answerer | Close-WrtcPeer -Confirm:$false
    }

    It 'Receive-WrtcMessage -Continuous ends when the other side closes' {
        $pair = New-ConnectedPair
        $job = Start-ThreadJob -ArgumentList (Get-WrtcTestModulePath), $pair.Answerer -ScriptBlock {
            param($module, $peer)
            Import-Module $module
            Receive-WrtcMessage -Peer $peer -Continuous
        }
        'x', 'y' | Send-WrtcMessage -Peer $pair.Offerer
        $pair.Offerer | Close-WrtcPeer -Confirm:$false
        $null = $job | Wait-Job -Timeout 30
        $job.State | Should -Be 'Completed'
        ($job | Receive-Job).Text | Should -Be 'x', 'y'
        $job | Remove-Job
        $pair.Answerer | Close-WrtcPeer -Confirm:$false
    }
}
