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
}

Describe 'Get-WrtcIceCandidate' -Tag 'CI' {
    It 'gathers a loopback host candidate with the priority split into its parts' {
        $out = Get-WrtcIceCandidate -Interface 127.0.0.1 -TimeoutSec 10
        $host4 = $out | Where-Object { $_ -is [WebRtcPS.IceCandidateEvent] -and $_.Type -eq 'host' } | Select-Object -First 1
        $host4.Address | Should -Be '127.0.0.1'
        $host4.Protocol | Should -Be 'udp'
        $host4.Direction | Should -Be 'Local'
        $host4.TypePreference | Should -Be 126
        $host4.Priority | Should -Be ([uint32](($host4.TypePreference -shl 24) + ($host4.LocalPreference -shl 8) + $host4.ComponentPreference))
        $host4.Candidate | Should -Match "^candidate:\S+ 1 udp $($host4.Priority) 127\.0\.0\.1 $($host4.Port) typ host"

        $summary = $out | Where-Object { $_ -is [WebRtcPS.IceGatheringSummary] }
        $summary.Completed | Should -BeTrue
        $summary.HostCandidates | Should -BeGreaterOrEqual 1
    }

    It 'rejects an ICE server that is not a STUN or TURN URI' {
        { Get-WrtcIceCandidate -IceServer 'http://example' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidIceServerUri,WebRtcPS.Commands.Ice.GetWrtcIceCandidateCommand'
    }

    It 'exports to CSV with one row per candidate' {
        $csv = Join-Path $TestDrive 'candidates.csv'
        Get-WrtcIceCandidate -Interface 127.0.0.1 -NoSummary | Export-Csv -Path $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -BeGreaterOrEqual 1
        $rows[0].PSObject.Properties.Name | Should -Contain 'TypePreference'
        $rows[0].Address | Should -Be '127.0.0.1'
    }
}

Describe 'Get-WrtcIceCandidate against coturn' -Tag 'CI', 'Interop' {
    BeforeAll {
        $available = Test-CoturnAvailable
        if (-not $available -and (Test-WrtcInteropRequired)) { throw 'coturn (turnserver) is required in CI (WRTC_REQUIRE_INTEROP=1) but is not installed' }
        if ($available) { $stun = Start-TestStunServer }
    }
    AfterAll {
        Stop-TestStunServer $stun
    }

    It 'gathers a server-reflexive candidate from coturn' -Skip:(-not $coturn) {
        $url = "stun:127.0.0.1:$($stun.Port)"
        $out = Get-WrtcIceCandidate -IceServer $url -Interface 127.0.0.1 -TimeoutSec 10
        $srflx = $out | Where-Object { $_ -is [WebRtcPS.IceCandidateEvent] -and $_.Type -eq 'srflx' }
        $srflx | Should -Not -BeNullOrEmpty
        $srflx[0].Url | Should -Be $url
        $srflx[0].RelatedAddress | Should -Be '127.0.0.1'
        $summary = $out | Where-Object { $_ -is [WebRtcPS.IceGatheringSummary] }
        $summary.ServerResults[0].Succeeded | Should -BeTrue
        $summary.ServerResults[0].MappedAddress | Should -Be "127.0.0.1:$($srflx[0].Port)"
    }

    It 'says which server did not answer' -Skip:(-not $coturn) {
        $dead = "stun:127.0.0.1:$(Get-FreeUdpPort)"
        $summary = Get-WrtcIceCandidate -IceServer $dead -Interface 127.0.0.1 -TimeoutSec 10 | Where-Object { $_ -is [WebRtcPS.IceGatheringSummary] }
        $summary.ServerReflexiveCandidates | Should -Be 0
        $summary.ServerResults[0].Succeeded | Should -BeFalse
        $summary.ServerResults[0].Error | Should -Not -BeNullOrEmpty
    }
}
