BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Coturn.psm1') -Force
    # In CI (WRTC_REQUIRE_INTEROP=1) coturn tests never skip: Pester runs no BeforeAll of a block
    # whose tests are all skipped, so a missing coturn must fail the tests themselves.
    $coturn = (Test-CoturnAvailable) -or (Test-WrtcInteropRequired)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Coturn.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
    if (-not (Test-CoturnAvailable) -and (Test-WrtcInteropRequired)) { throw 'coturn (turnserver) is required in CI (WRTC_REQUIRE_INTEROP=1) but is not installed' }
    if (Test-CoturnAvailable) { $turn = Start-TestTurnServer }
}

AfterAll {
    Stop-TestTurnServer $turn
}

Describe 'Test-WrtcIceServer' -Tag 'CI', 'Interop' {
    It 'says OK for a STUN server and reports the mapped address' -Skip:(-not $coturn) {
        $r = Test-WrtcIceServer -Uri "stun:127.0.0.1:$($turn.Port)"
        $r.PSObject.TypeNames[0] | Should -Be 'WebRtcPS.IceServerTestResult'
        $r.Verdict | Should -Be 'OK'
        $r.Ok | Should -BeTrue
        $r.Reachable | Should -BeTrue
        $r.MappedAddress | Should -Match '^127\.0\.0\.1:\d+$'
        $r.RttMs | Should -BeGreaterThan 0
    }

    It 'allocates on a TURN server over <Name>' -Skip:(-not $coturn) -ForEach @(
        @{ Name = 'UDP'; Uri = { "turn:127.0.0.1:$($turn.Port)?transport=udp" }; Transport = 'udp' }
        @{ Name = 'TCP'; Uri = { "turn:127.0.0.1:$($turn.Port)?transport=tcp" }; Transport = 'tcp' }
        @{ Name = 'TLS'; Uri = { "turns:127.0.0.1:$($turn.TlsPort)" }; Transport = 'tls' }
    ) {
        $r = Test-WrtcIceServer -Uri (& $Uri) -Credential $turn.Credential -SkipCertificateCheck -WarningAction SilentlyContinue
        $r.Verdict | Should -Be 'OK' -Because $r.Error
        $r.Transport | Should -Be $Transport
        $r.Authenticated | Should -BeTrue
        $r.RelayedAddress | Should -Match '^127\.0\.0\.1:\d+$'
        $r.AllocateMs | Should -BeGreaterThan 0
    }

    It 'says Authentication failed for a wrong password' -Skip:(-not $coturn) {
        $bad = [pscredential]::new('alice', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        $r = Test-WrtcIceServer -Uri "turn:127.0.0.1:$($turn.Port)" -Credential $bad
        $r.Verdict | Should -Be 'Authentication failed'
        $r.Reachable | Should -BeTrue
        $r.Authenticated | Should -BeFalse
    }

    It 'says Not reachable for a closed port, within the timeout' -Skip:(-not $coturn) {
        $closed = Get-FreeTcpPort
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = Test-WrtcIceServer -Uri "turn:127.0.0.1:${closed}?transport=tcp" -Credential $turn.Credential -TimeoutSec 5
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 15
        $r.Verdict | Should -Be 'Not reachable'
        $r.Error | Should -Not -BeNullOrEmpty
    }

    It 'says TLS error for an untrusted certificate, naming the problem' -Skip:(-not $coturn) {
        $r = Test-WrtcIceServer -Uri "turns:127.0.0.1:$($turn.TlsPort)" -Credential $turn.Credential
        $r.Verdict | Should -Be 'TLS error'
        $r.Error | Should -Match 'certificate|chain|trust|Remote'
    }

    It 'writes an error for a URI that is not STUN or TURN, and goes on' -Skip:(-not $coturn) {
        $out = Test-WrtcIceServer -Uri 'http://x', "stun:127.0.0.1:$($turn.Port)" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidIceServerUri,WebRtcPS.Commands.Ice.TestWrtcIceServerCommand'
        @($out).Count | Should -Be 1
        $out.Verdict | Should -Be 'OK'
    }
}

Describe 'TURN relaying through the peer cmdlets' -Tag 'CI', 'Interop' {
    It 'gathers a relay candidate with Get-WrtcIceCandidate' -Skip:(-not $coturn) {
        $url = "turn:127.0.0.1:$($turn.Port)?transport=udp"
        $out = Get-WrtcIceCandidate -IceServer $url -Credential $turn.Credential -Interface 127.0.0.1 -TimeoutSec 15
        $relay = $out | Where-Object { $_ -is [WebRtcPS.IceCandidateEvent] -and $_.Type -eq 'relay' }
        $relay | Should -Not -BeNullOrEmpty
        $relay[0].Url | Should -Be $url
        $relay[0].TypePreference | Should -Be 0
    }

    It 'connects relay-only over TURN <Name> (Test-WrtcConnection -RelayOnly)' -Skip:(-not $coturn) -ForEach @(
        @{ Name = 'UDP'; Uri = { "turn:127.0.0.1:$($turn.Port)?transport=udp" } }
        @{ Name = 'TCP'; Uri = { "turn:127.0.0.1:$($turn.Port)?transport=tcp" } }
        @{ Name = 'TLS'; Uri = { "turns:127.0.0.1:$($turn.TlsPort)" } }
    ) {
        $r = Test-WrtcConnection -IceServer (& $Uri) -Credential $turn.Credential -RelayOnly -SkipCertificateCheck -TimeoutSec 60 -WarningAction SilentlyContinue
        $r.Success | Should -BeTrue -Because "$($r.Error) $($r.Diagnostics)"
        $r.SelectedPairType | Should -Be 'relay'
        $r.RemoteCandidate | Should -Match '^relay '
    }

    It 'refuses -RelayOnly without a TURN server' {
        { Test-WrtcConnection -RelayOnly } | Should -Throw -ErrorId 'RelayOnlyWithoutTurn,WebRtcPS.Commands.Peers.TestWrtcConnectionCommand'
    }
}
