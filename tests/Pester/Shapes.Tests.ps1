# Issue 13, parameters and objects: completion, -Id, pipeline binding, -IceServer entries with
# their own credentials, the PeerEvent family, Get-WrtcStatistic's objects, views.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Coturn.psm1') -Force
    $coturn = Test-CoturnAvailable
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Coturn.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
    $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
    if (Test-CoturnAvailable) { $turn = Start-TestTurnServer }

    function Get-Completion([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.ListItemText
    }

    # Both peers of a connection in this process: the answerer in its own runspace.
    function Connect-TestPair([string[]] $Include) {
        $tag = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $ids = @{ Offer = "so-$tag"; Answer = "sa-$tag" }
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("Import-Module '$(Get-WrtcTestModulePath)'; Connect-WrtcPeer -Role Answerer -Id $($ids.Answer) -RemoteId $($ids.Offer) -SignalingUri $($server.Url) -Interface 127.0.0.1 -NoGreeting -PassThru")
        $handle = $ps.BeginInvoke()
        $splat = @{ Role = 'Offerer'; Id = $ids.Offer; RemoteId = $ids.Answer; SignalingUri = $server.Url; Interface = '127.0.0.1'; NoGreeting = $true; PassThru = $true }
        if ($Include) { $splat.Include = $Include }
        $events = Connect-WrtcPeer @splat
        $answerer = $ps.EndInvoke($handle) | Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        $ps.Dispose()
        [pscustomobject]@{ Ids = $ids; Events = $events; Offerer = $events | Where-Object { $_ -is [WebRtcPS.WrtcPeer] }; Answerer = $answerer }
    }
}

AfterAll {
    Close-WrtcPeer -All -Confirm:$false
    $server | Stop-WrtcSignalingServer -Confirm:$false
    if ($turn) { Stop-TestTurnServer $turn }
}

Describe 'Parameter shapes' -Tag 'CI' {
    It 'shows the module''s own PeerRole and -Unordered, with -Ordered hidden' {
        $command = Get-Command New-WrtcPeer
        $command.Parameters.Role.ParameterType | Should -Be ([WebRtcPS.PeerRole])
        $command.Parameters.Keys | Should -Contain 'Unordered'
        ($command.Parameters.Ordered.Attributes | Where-Object { $_ -is [Parameter] }).DontShow | Should -BeTrue
        (Get-Command New-WrtcPeer -Syntax) | Should -Not -Match 'SeedPeerRole'
        $peer = New-WrtcPeer -SignalingUri $server.Url -Role Answerer -Unordered -Id 'shape-unordered'
        $peer.Role | Should -Be 'Answerer'
        { New-WrtcPeer -SignalingUri $server.Url -Unordered -Ordered } | Should -Throw -ErrorId 'OrderedConflict,WebRtcPS.Commands.Peers.NewWrtcPeerCommand'
        New-WrtcPeer -SignalingUri $server.Url -Ordered:$false -Id 'shape-ordered-false' | Should -Not -BeNullOrEmpty
        Close-WrtcPeer -Id 'shape-unordered', 'shape-ordered-false' -Confirm:$false
    }

    It 'makes -SignalingUri mandatory for New- and Connect-WrtcPeer, optional for Test-WrtcConnection' {
        foreach ($name in 'New-WrtcPeer', 'Connect-WrtcPeer') {
            $p = (Get-Command $name).Parameters.SignalingUri.Attributes | Where-Object { $_ -is [Parameter] }
            $p.Mandatory | Should -BeTrue -Because $name
        }
        # Optional for Test-WrtcConnection: the local sets lack it, the remote sets require it.
        $testSets = (Get-Command Test-WrtcConnection).ParameterSets
        ($testSets | Where-Object IsDefault).Parameters.Name | Should -Not -Contain 'SignalingUri'
        foreach ($set in $testSets | Where-Object Name -Like 'Remote*') {
            ($set.Parameters | Where-Object Name -EQ 'SignalingUri').IsMandatory | Should -BeTrue -Because $set.Name
        }
    }

    It 'has local and remote sets for Test-WrtcConnection, one partial-reliability policy per set' {
        $sets = (Get-Command Test-WrtcConnection).ParameterSets
        $sets.Name | Sort-Object | Should -Be @('Local', 'LocalMaxPacketLifeTime', 'LocalMaxRetransmits', 'Remote', 'RemoteMaxPacketLifeTime', 'RemoteMaxRetransmits')
        foreach ($set in $sets) {
            $names = $set.Parameters.Name
            ($names -contains 'MaxRetransmits' -and $names -contains 'MaxPacketLifeTimeMs') | Should -BeFalse -Because $set.Name
            foreach ($remoteOnly in 'SignalingUri', 'Role', 'Id', 'RemoteId') {
                ($names -contains $remoteOnly) | Should -Be ($set.Name -like 'Remote*') -Because "$($set.Name) -$remoteOnly"
            }
        }
        foreach ($name in 'New-WrtcPeer', 'Connect-WrtcPeer') {
            foreach ($set in (Get-Command $name).ParameterSets) {
                ($set.Parameters.Name -contains 'MaxRetransmits' -and $set.Parameters.Name -contains 'MaxPacketLifeTimeMs') | Should -BeFalse -Because "$name $($set.Name)"
            }
        }
        # The binder rejects what a local test cannot use and two policies together, before anything runs.
        { Test-WrtcConnection -Role Answerer -ErrorAction Stop } | Should -Throw -ErrorId 'AmbiguousParameterSet,WebRtcPS.Commands.Peers.TestWrtcConnectionCommand'
        { Test-WrtcConnection -MaxRetransmits 0 -MaxPacketLifeTimeMs 100 -ErrorAction Stop } | Should -Throw -ErrorId 'AmbiguousParameterSet,WebRtcPS.Commands.Peers.TestWrtcConnectionCommand'
        { Test-WrtcConnection -SignalingUri $server.Url -MaxRetransmits 0 -MaxPacketLifeTimeMs 100 -ErrorAction Stop } | Should -Throw -ErrorId 'AmbiguousParameterSet,WebRtcPS.Commands.Peers.TestWrtcConnectionCommand'
        { Connect-WrtcPeer -SignalingUri $server.Url -MaxRetransmits 0 -MaxPacketLifeTimeMs 100 -ErrorAction Stop } | Should -Throw -ErrorId 'AmbiguousParameterSet,WebRtcPS.Commands.Peers.ConnectWrtcPeerCommand'
    }

    It 'asks before starting a signaling server (-WhatIf starts none)' {
        $before = @(Get-WrtcSignalingServer).Count
        Start-WrtcSignalingServer -Port 0 -WhatIf | Should -BeNullOrEmpty
        @(Get-WrtcSignalingServer).Count | Should -Be $before
    }

    It 'reports an unknown exact peer id, and filters quietly with a wildcard' {
        Get-WrtcPeer -Id 'no-such-peer' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'PeerNotFound,WebRtcPS.Commands.Peers.GetWrtcPeerCommand'
        Get-WrtcPeer -Id 'no-such-*' -ErrorVariable err2 | Should -BeNullOrEmpty
        $err2 | Should -BeNullOrEmpty
        Send-WrtcMessage -Id 'no-such-peer' -Message 'x' -ErrorVariable err3 -ErrorAction SilentlyContinue
        $err3[0].FullyQualifiedErrorId | Should -Be 'PeerNotFound,WebRtcPS.Commands.Peers.SendWrtcMessageCommand'
    }

    It 'takes -IceServer entries shaped like RTCIceServer, each with its own credential' {
        $secure = ConvertTo-SecureString 'pw' -AsPlainText -Force
        $peer = New-WrtcPeer -SignalingUri $server.Url -Id 'shape-ice' -IceServer @(
            'stun:127.0.0.1:3478'
            @{ Urls = 'turn:127.0.0.1:3478?transport=udp'; Username = 'a'; Credential = 'plain' }
            @{ Urls = @('turn:127.0.0.1:3479'); Credential = [pscredential]::new('b', $secure) }
            @{ Url = 'turns:127.0.0.1:5349'; Username = 'c'; Credential = $secure }
        )
        $peer | Should -Not -BeNullOrEmpty
        { New-WrtcPeer -SignalingUri $server.Url -IceServer @{ Urls = 'turn:127.0.0.1:3478' } } |
            Should -Throw -ErrorId 'TurnCredentialMissing,WebRtcPS.Commands.Peers.NewWrtcPeerCommand'
        { New-WrtcPeer -SignalingUri $server.Url -IceServer @{ Username = 'x' } } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,WebRtcPS.Commands.Peers.NewWrtcPeerCommand'
        Close-WrtcPeer -Id 'shape-ice' -Confirm:$false
    }
}

Describe 'Argument completion' -Tag 'CI' {
    It 'completes -IceServer schemes and servers used in this session' {
        Get-Completion 'Get-WrtcIceCandidate -IceServer tu' | Should -Contain 'turn:'
        Get-Completion 'Get-WrtcIceCandidate -IceServer tu' | Should -Contain 'turns:'
        $null = New-WrtcPeer -SignalingUri $server.Url -Id 'shape-complete' -IceServer 'stun:127.0.0.1:34999'
        Get-Completion 'Connect-WrtcPeer -IceServer stun:127' | Should -Contain 'stun:127.0.0.1:34999'
    }

    It 'completes -Interface with this machine''s interfaces and addresses' {
        Get-Completion 'Get-WrtcIceCandidate -Interface 127.' | Should -Contain '127.0.0.1'
        Get-Completion 'New-WrtcPeer -Interface l' | Should -Contain 'lo'
    }

    It 'completes -SignalingUri and -Port with the servers of this session' {
        Get-Completion 'New-WrtcPeer -SignalingUri ' | Should -Contain $server.Url.TrimEnd('/')
        Get-Completion 'Stop-WrtcSignalingServer -Port ' | Should -Contain "$($server.Port)"
        Get-Completion 'Get-WrtcSignalingServer -Port ' | Should -Contain "$($server.Port)"
    }

    It 'completes peer ids for -Id' {
        foreach ($command in 'Get-WrtcPeer', 'Send-WrtcMessage', 'Receive-WrtcMessage', 'Close-WrtcPeer', 'Get-WrtcStatistic') {
            Get-Completion "$command -Id shape-comp" | Should -Contain 'shape-complete' -Because $command
        }
        Close-WrtcPeer -Id 'shape-complete' -Confirm:$false
    }
}

Describe 'Objects and the pipeline' -Tag 'CI' {
    BeforeAll { $pair = Connect-TestPair }
    AfterAll { Close-WrtcPeer -All -Confirm:$false }

    It 'writes one event family with EventType and DateTimeOffset timestamps' {
        $events = $pair.Events | Where-Object { $_ -is [WebRtcPS.PeerEvent] }
        $events | Should -Not -BeNullOrEmpty
        ($events | Where-Object EventType -eq Candidate) | ForEach-Object { $_ | Should -BeOfType [WebRtcPS.IceCandidateEvent] }
        ($events | Where-Object EventType -eq State) | Should -Not -BeNullOrEmpty
        # The pair is announced again when it changes (e.g. a prflx remote learned to be host).
        $pairs = @($events | Where-Object EventType -eq Pair)
        $pairs | Should -Not -BeNullOrEmpty
        $pairs.LocalType | ForEach-Object { $_ | Should -Be 'host' }
        $events[0].Timestamp | Should -BeOfType [DateTimeOffset]
    }

    It 'round-trips timestamps with milliseconds through Export-Csv' {
        $csv = Join-Path $TestDrive 'events.csv'
        $candidates = $pair.Events | Where-Object EventType -eq Candidate
        $candidates | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows[0].EventType | Should -Be 'Candidate'
        [DateTimeOffset]::Parse($rows[0].TimestampIso) | Should -Be $candidates[0].Timestamp.AddTicks( - ($candidates[0].Timestamp.Ticks % 10000))
    }

    It 'filters events with -Include' {
        $only = Connect-TestPair -Include Candidate, Pair
        ($only.Events | Where-Object { $_ -is [WebRtcPS.PeerEvent] }).EventType | Sort-Object -Unique | Should -Be @('Candidate', 'Pair')
        $only.Offerer | Should -Not -BeNullOrEmpty
    }

    It 'sends, receives, reports and closes by -Id and from Get-WrtcPeer through the pipeline' {
        Get-WrtcPeer -Id $pair.Ids.Offer | Send-WrtcMessage -Message 'by property name'
        (Get-WrtcPeer -Id $pair.Ids.Answer | Receive-WrtcMessage -TimeoutSec 20).Text | Should -Be 'by property name'
        Send-WrtcMessage -Id $pair.Ids.Answer -Message 'by id'
        (Receive-WrtcMessage -Id $pair.Ids.Offer -TimeoutSec 20).Text | Should -Be 'by id'

        $stats = Get-WrtcPeer -Id $pair.Ids.Offer | Get-WrtcStatistic
        $stats | ForEach-Object { $_ | Should -BeOfType [WebRtcPS.PeerStatistic] }
        $selected = Get-WrtcStatistic -Id $pair.Ids.Offer -Type candidate-pair | Where-Object Selected
        $selected.PSObject.TypeNames[0] | Should -Be 'WebRtcPS.CandidatePairStatistic'
        $selected.TotalRoundTripTimeMs | Should -BeOfType [double]
        $selected.State | Should -Be 'succeeded'
        (Get-WrtcStats -Id $pair.Ids.Offer -Type data-channel).MessagesSent | Should -BeGreaterOrEqual 1
        (Get-Alias Get-WrtcStats).ResolvedCommandName | Should -Be 'Get-WrtcStatistic'

        # one CSV shape per -Type: every row of a type has the same columns
        $csv = Join-Path $TestDrive 'pairs.csv'
        Get-WrtcStatistic -Id $pair.Ids.Offer -Type candidate-pair | Export-Csv $csv
        (Import-Csv $csv)[0].PSObject.Properties.Name | Should -Contain 'CurrentRoundTripTimeMs'

        Get-WrtcPeer -Id $pair.Ids.Offer, $pair.Ids.Answer | Close-WrtcPeer -Confirm:$false
        Get-WrtcPeer -Id $pair.Ids.Offer -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'has a view for every output type' {
        foreach ($type in 'ConnectionTestResult', 'CandidatePairStatistic', 'CandidateStatistic', 'TransportStatistic', 'DataChannelStatistic',
            'PeerConnectionStatistic', 'IceServer', 'IceServerGatheringResult', 'IceCandidateEvent', 'WrtcPeer', 'IceServerTestResult') {
            Get-FormatData -TypeName "WebRtcPS.$type" | Should -Not -BeNullOrEmpty -Because $type
        }
        (Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 60 | Out-String) | Should -Match 'Success\s+Mode'
    }
}

Describe 'Per-server credentials against coturn' -Tag 'CI', 'Interop' {
    It 'tests servers from Import-Csv rows, each with its own credential' -Skip:(-not $coturn) {
        $csv = Join-Path $TestDrive 'servers.csv'
        @(
            [pscustomobject]@{ Urls = "stun:127.0.0.1:$($turn.Port)"; Username = ''; Credential = '' }
            [pscustomobject]@{ Urls = "turn:127.0.0.1:$($turn.Port)?transport=udp"; Username = 'alice'; Credential = 'secret' }
            [pscustomobject]@{ Urls = "turn:127.0.0.1:$($turn.Port)?transport=tcp"; Username = 'alice'; Credential = 'wrong' }
        ) | Export-Csv $csv
        $r = Import-Csv $csv | Test-WrtcIceServer -WarningAction SilentlyContinue
        $r.Count | Should -Be 3
        $r[0].Verdict | Should -Be 'OK'
        $r[1].Verdict | Should -Be 'OK' -Because $r[1].Error
        $r[2].Verdict | Should -Be 'Authentication failed'
    }

    It 'gathers relay candidates from two TURN entries in one call' -Skip:(-not $coturn) {
        $c = Get-WrtcIceCandidate -Interface 127.0.0.1 -IceServer @(
            @{ Urls = "turn:127.0.0.1:$($turn.Port)?transport=udp"; Credential = $turn.Credential }
            @{ Urls = "turn:127.0.0.1:$($turn.Port)?transport=tcp"; Username = 'alice'; Credential = 'secret' }
        )
        ($c | Where-Object Type -eq relay).Count | Should -BeGreaterOrEqual 2
    }
}
