# Restart-WrtcIce (issue 16): a real ICE restart between two peers of this process over loopback,
# through a real signaling server. The offerer restarts (new credentials in a new offer); the
# answerer's peer answers it by itself, and Restart-WrtcIce on the answerer waits for it. The same
# data channel carries messages before and after.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
    $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1

    # Runs $Script in its own runspace of this process, with the module and $Arguments.
    function Start-InRunspace([string] $Script, [object[]] $Arguments = @()) {
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("Import-Module '$(Get-WrtcTestModulePath)'`n$Script")
        foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
        $in = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $in.Complete()
        $out = [System.Management.Automation.PSDataCollection[psobject]]::new()
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke($in, $out); Output = $out }
    }

    # The items of a PSDataCollection that may still be open, without waiting for it to complete.
    function Get-CollectionItem($Collection) {
        for ($i = 0; $i -lt $Collection.Count; $i++) { $Collection[$i] }
    }

    function Wait-InRunspace($Run, [int] $TimeoutSec = 90) {
        if (-not $Run.Handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSec))) { $Run.PowerShell.Stop(); throw 'the runspace did not finish' }
        $null = $Run.PowerShell.EndInvoke($Run.Handle)
        $errors = @($Run.PowerShell.Streams.Error)
        $Run.PowerShell.Dispose()
        if ($errors.Count) { throw "the runspace failed: $($errors[0])" }
        return $Run.Output
    }

    # A kept pair (-PassThru -NoGreeting): the answerer connected in a runspace, the offerer here.
    function Connect-PeerPair {
        $tag = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $ids = @{ Offer = "ro-$tag"; Answer = "ra-$tag" }
        $answerer = Start-InRunspace "Connect-WrtcPeer -Role Answerer -Id $($ids.Answer) -RemoteId $($ids.Offer) -SignalingUri $($server.Url) -Interface 127.0.0.1 -NoGreeting -PassThru -TimeoutSec 60"
        $offerer = Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -NoGreeting -PassThru -TimeoutSec 60 |
            Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        $answererPeer = Wait-InRunspace $answerer | Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        [pscustomobject]@{ Offerer = $offerer; Answerer = $answererPeer }
    }
}

AfterAll {
    Close-WrtcPeer -All -Confirm:$false
    $server | Stop-WrtcSignalingServer -Confirm:$false
}

Describe 'Restart-WrtcIce' -Tag 'CI' {
    It 'restarts ICE on the offerer with new credentials; the answerer follows; the same channel carries on' {
        $pair = Connect-PeerPair
        $pair.Offerer.ConnectionState | Should -Be 'connected'
        Send-WrtcMessage -Peer $pair.Offerer -Message 'before'
        (Receive-WrtcMessage -Peer $pair.Answerer -TimeoutSec 20).Text | Should -Be 'before'

        # The answerer waits for the offerer's restart (it cannot offer in the seed protocol); the
        # offerer restarts once it says so. (Its streams are read by index: enumerating a
        # PSDataCollection that is still open waits for it to complete.)
        $waiting = Start-InRunspace '$args[0] | Restart-WrtcIce -TimeoutSec 60 -Verbose' @($pair.Answerer)
        $answererVerbose = $waiting.PowerShell.Streams.Verbose
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not ((Get-CollectionItem $answererVerbose).Message -match 'waiting for') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }

        $events = $pair.Offerer | Restart-WrtcIce -TimeoutSec 60 -Verbose 4>&1
        $answererEvents = Wait-InRunspace $waiting
        $answererVerbose = Get-CollectionItem $answererVerbose

        $restarted = $events | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'ICE restarted: new local ice-ufrag (\S+)' }
        $restarted | Should -Not -BeNullOrEmpty
        $events | Where-Object { $_ -is [WebRtcPS.StateChange] -and $_.Machine -eq 'Signaling' -and $_.To -eq 'have-local-offer' } | Should -Not -BeNullOrEmpty
        $events | Where-Object { $_ -is [WebRtcPS.StateChange] -and $_.Machine -eq 'Signaling' -and $_.From -eq 'have-local-offer' -and $_.To -eq 'stable' } | Should -Not -BeNullOrEmpty
        $events | Where-Object { $_ -is [WebRtcPS.IceCandidateEvent] -and $_.Direction -eq 'Local' } | Should -Not -BeNullOrEmpty
        # The new generation learns the answerer three ways, whichever comes first: a trickled
        # candidate, the answer itself (it carries the candidates the answerer had gathered when
        # it answered: a host remote without a candidate event), or its checks (peer-reflexive).
        # The restart ends with the new generation's pair, so it may end before any of the others.
        $selected = $events | Where-Object { $_ -is [WebRtcPS.SelectedCandidatePair] } | Select-Object -Last 1
        $selected | Should -Not -BeNullOrEmpty -Because 'the new generation selects a pair'
        $selected.LocalType | Should -Be 'host'
        $selected.RemoteType | Should -BeIn @('host', 'prflx')
        $selected.RemoteAddress | Should -Be '127.0.0.1'
        $answererVerbose.Message -match 'ICE restarted' | Should -Not -BeNullOrEmpty
        $answererEvents | Where-Object { $_ -is [WebRtcPS.SelectedCandidatePair] } | Should -Not -BeNullOrEmpty

        $pair.Offerer.ConnectionState | Should -Be 'connected'
        $pair.Offerer.ChannelState | Should -Be 'open'
        Send-WrtcMessage -Peer $pair.Offerer -Message 'after the restart'
        (Receive-WrtcMessage -Peer $pair.Answerer -TimeoutSec 20).Text | Should -Be 'after the restart'
        Send-WrtcMessage -Peer $pair.Answerer -Message 'back'
        (Receive-WrtcMessage -Peer $pair.Offerer -TimeoutSec 20).Text | Should -Be 'back'

        # Twice in a row, by id, only the pair, with -PassThru.
        $again = Restart-WrtcIce -Id $pair.Offerer.Id -Include Pair -PassThru -TimeoutSec 60
        $again[0] | Should -BeOfType ([WebRtcPS.SelectedCandidatePair])
        $again[-1] | Should -Be $pair.Offerer
        @($again | Where-Object { $_ -is [WebRtcPS.StateChange] }).Count | Should -Be 0
        $pair.Offerer, $pair.Answerer | Close-WrtcPeer -Confirm:$false
    }

    It 'tells the answerer it waited in vain, with IceRestartTimeout' {
        $pair = Connect-PeerPair
        $pair.Answerer | Restart-WrtcIce -TimeoutSec 1 -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'IceRestartTimeout,WebRtcPS.Commands.Peers.RestartWrtcIceCommand'
        $failed[0].Exception.Message | Should -Match 'did not restart ICE'
        $failed[0].ErrorDetails.RecommendedAction | Should -Match 'Restart-WrtcIce on the offerer'
        $pair.Answerer.ConnectionState | Should -Be 'connected'
        $pair.Offerer, $pair.Answerer | Close-WrtcPeer -Confirm:$false
    }

    It 'refuses a peer that is not connected, with PeerNotConnected' {
        $peer = New-WrtcPeer -Role Offerer -Id "rn-$([guid]::NewGuid().ToString('N').Substring(0, 8))" -SignalingUri $server.Url
        { $peer | Restart-WrtcIce -ErrorAction Stop } | Should -Throw -ErrorId 'PeerNotConnected,WebRtcPS.Commands.Peers.RestartWrtcIceCommand'
        $peer | Close-WrtcPeer -Confirm:$false
    }

    It 'supports -WhatIf without restarting' {
        $pair = Connect-PeerPair
        $pair.Offerer | Restart-WrtcIce -WhatIf | Should -BeNullOrEmpty
        $pair.Offerer.ConnectionState | Should -Be 'connected'
        $pair.Offerer, $pair.Answerer | Close-WrtcPeer -Confirm:$false
    }
}
