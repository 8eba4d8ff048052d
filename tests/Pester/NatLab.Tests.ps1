# The NAT lab (tests/lab, issue 11) checked without WebRtcPS: natprobe.py measures each NAT type's
# mapping and filtering (RFC 4787 terms, tests after RFC 5780) and the lab's isolation. Needs root:
# elsewhere it skips, except in CI (WRTC_REQUIRE_INTEROP=1), where it fails.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../lab/NatLab.psm1') -Force
    $reason = Get-NatLabUnsupportedReason
    $skip = $reason -and -not (Test-WrtcInteropRequired)
    if ($skip) { Write-Host "NatLab.Tests.ps1 skipped: $reason" -ForegroundColor Yellow }
    $types = @(Get-NatLabNatType | ForEach-Object { @{ Type = $_.Type; Expected = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../lab/NatLab.psm1') -Force
    $ProbePorts = 7000, 7001
    $Tool = Join-Path $PSScriptRoot '../lab/natlab.sh'

    function Assert-NatLabSupported {
        $reason = Get-NatLabUnsupportedReason
        if ($reason) { throw "the NAT lab is required here (WRTC_REQUIRE_INTEROP=1): $reason" }
    }

    # natprobe.py classify from site $Site's LAN host against the probe server of $Lab.
    function Measure-Nat($Lab, [int] $Site) {
        Invoke-NatLabProbe -Lab $Lab -Namespace "h$Site" classify --server $Lab.ServerA --alt $Lab.ServerB `
            --port $ProbePorts[0] --alt-port $ProbePorts[1]
    }

    function Start-ProbeServer($Lab) {
        $p = Start-NatLabProcess -Lab $Lab -Namespace srv -Name probe-server -- $Lab.Python $Lab.Probe server `
            --addr $Lab.ServerA --addr $Lab.ServerB --port $ProbePorts[0] --port $ProbePorts[1] --tcp-port $Lab.SignalingPort --tcp-port $ProbePorts[0]
        $null = Wait-NatLabProcessOutput $p 'ready'
        $p
    }

    function Get-LabNamespaces([string] $Prefix) { @(Get-ChildItem /run/netns -Name -ErrorAction SilentlyContinue | Where-Object { $_ -like "$Prefix-*" }) }

    function Test-Alive([int] $ProcessId) {
        $stat = Get-Content "/proc/$ProcessId/stat" -ErrorAction SilentlyContinue
        $stat -and (($stat -replace '^.*\) ', '') -split ' ')[0] -ne 'Z'
    }

    function Wait-Until([scriptblock] $Condition, [double] $TimeoutSec = 5) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { return $false }
            Start-Sleep -Milliseconds 50
        }
        $true
    }
}

Describe 'NAT lab: each NAT type as measured' -Tag 'CI', 'Interop', 'NatLab' -Skip:$skip {
    BeforeAll {
        Assert-NatLabSupported
        $lab = New-NatLab
        $probe = Start-ProbeServer $lab
    }
    AfterAll {
        if ($lab) { Remove-NatLab $lab }
    }

    It 'site 1 as <Type>: mapping and filtering as RFC 4787 defines the type' -ForEach $types {
        Set-NatLabNat -Lab $lab -Site 1 -Type $Type
        $m = Measure-Nat $lab 1
        $m.udp | Should -Be $Expected.Udp
        if (-not $Expected.Udp) { return }
        $m.nat | Should -Be $Expected.Nat
        $m.mapping | Should -Be $Expected.Mapping
        $m.filtering | Should -Be $Expected.Filtering
        $mappedAddress = if ($Expected.Nat) { $lab.Site1.RouterWan } else { $lab.Site1.Host }
        $m.mapped | ForEach-Object { ($_ -split ':')[0] } | Should -Be (@($mappedAddress) * 3)
    }

    It 'site 2 changes on its own: Symmetric there leaves site 1 FullCone' {
        Set-NatLabNat -Lab $lab -Site 1 -Type FullCone
        Set-NatLabNat -Lab $lab -Site 2 -Type Symmetric
        (Measure-Nat $lab 2).mapping | Should -Be 'address-and-port-dependent'
        $m1 = Measure-Nat $lab 1
        $m1.mapping | Should -Be 'endpoint-independent'
        $m1.filtering | Should -Be 'endpoint-independent'
        Set-NatLabNat -Lab $lab -Site 2 -Type PortRestricted
    }

    It 'UdpBlocked passes only TCP to the TURN server (3478, 5349) and the signaling port' {
        Set-NatLabNat -Lab $lab -Site 1 -Type UdpBlocked
        $a = $lab.ServerA
        $tcp = Invoke-NatLabProbe -Lab $lab -Namespace h1 tcp --connect "${a}:3478" --connect "${a}:5349" --connect "$($lab.ServerB):3478" `
            --connect "${a}:$($lab.SignalingPort)" --connect "${a}:$($ProbePorts[0])" --connect "${a}:3479" --timeout 0.7
        $tcp."${a}:3478" | Should -Be 'open'
        $tcp."${a}:5349" | Should -Be 'open'
        $tcp."$($lab.ServerB):3478" | Should -Be 'open'
        $tcp."${a}:$($lab.SignalingPort)" | Should -Be 'open'
        $tcp."${a}:$($ProbePorts[0])" | Should -Be 'timeout'
        $tcp."${a}:3479" | Should -Be 'timeout'
        (Invoke-NatLabProbe -Lab $lab -Namespace h1 stun --server "${a}:3478" --timeout 0.5).success | Should -BeFalse
        $overTcp = Invoke-NatLabProbe -Lab $lab -Namespace h1 stun --server "${a}:3478" --tcp
        $overTcp.success | Should -BeTrue
        $overTcp.xor_mapped | Should -BeLike "$($lab.Site1.RouterWan):*"

        Set-NatLabNat -Lab $lab -Site 1 -Type PortRestricted   # the same TCP passes where only UDP filtering applies
        (Invoke-NatLabProbe -Lab $lab -Namespace h1 tcp --connect "${a}:$($ProbePorts[0])")."${a}:$($ProbePorts[0])" | Should -Be 'open'
    }

    It 'site 1 as <Type>: unsolicited inbound reaches the LAN host only if the type maps it' -ForEach $types {
        Set-NatLabNat -Lab $lab -Site 1 -Type $Type
        $listener = Start-NatLabProcess -Lab $lab -Namespace h1 -- $lab.Python $lab.Probe listen --port 7100 --seconds 15 --until-marker
        $null = Wait-NatLabProcessOutput $listener 'ready'
        $sent = Invoke-NatLabProbe -Lab $lab -Namespace srv send --to "$($lab.Site1.Host):7100" --to "$($lab.Site1.RouterWan):7100"
        $sent.PSObject.Properties.Value | Should -Be @('sent', 'sent')
        # Then a marker from the router's own LAN address, which always arrives: the listener stops
        # shortly after it instead of waiting a fixed time that a loaded machine may overrun.
        $null = Invoke-NatLabProbe -Lab $lab -Namespace r1 send --to "$($lab.Site1.Host):7100" --data marker
        $listener.Process.WaitForExit(15000) | Should -BeTrue
        $result = Get-Content $listener.StdoutPath | Select-Object -Last 1 | ConvertFrom-Json
        $result.marker | Should -BeTrue
        $expected = if ($Type -eq 'None') { 1 } else { 0 }
        @($result.received).Count | Should -Be $expected
    }

    It 'coturn answers on both public addresses, with RFC 5780 OTHER-ADDRESS, from behind a NAT' {
        Set-NatLabNat -Lab $lab -Site 2 -Type PortRestricted
        $a = Invoke-NatLabProbe -Lab $lab -Namespace h2 stun --server "$($lab.ServerA):3478"
        $a.success | Should -BeTrue
        $a.xor_mapped | Should -BeLike "$($lab.Site2.RouterWan):*"
        $a.response_origin | Should -Be "$($lab.ServerA):3478"
        $a.other_address | Should -Be "$($lab.ServerB):3479"
        (Invoke-NatLabProbe -Lab $lab -Namespace h2 stun --server "$($lab.ServerB):3478").success | Should -BeTrue
        Test-Path $lab.Turn.CertPath | Should -BeTrue
    }

    It 'coturn relays from the public segment for a NATed host over <Transport>' -ForEach @(
        @{ Transport = 'UDP'; Nat = 'Symmetric'; Arguments = @() }
        @{ Transport = 'TCP from UdpBlocked'; Nat = 'UdpBlocked'; Arguments = @('--tcp') }
    ) {
        Set-NatLabNat -Lab $lab -Site 1 -Type $Nat
        $peer = "$($lab.ServerB):$($ProbePorts[1])"
        $t = Invoke-NatLabProbe -Lab $lab -Namespace h1 turn --server "$($lab.ServerA):3478" --user $lab.Turn.User --password $lab.Turn.Password --peer $peer @Arguments
        $t.error | Should -BeNullOrEmpty
        $t.success | Should -BeTrue
        $t.relayed | Should -BeLike "$($lab.ServerA):*"          # relay-ip: server A on the public segment
        $t.mapped | Should -BeLike "$($lab.Site1.RouterWan):*"
        $t.peer_saw | Should -Be $t.relayed                        # the peer's answer came back through the relay
        $t.peer | Should -Be $peer
    }

    It 'Clear-NatLabConntrack empties the router''s conntrack table and cone mappings' {
        Set-NatLabNat -Lab $lab -Site 1 -Type FullCone
        $null = Measure-Nat $lab 1
        (Invoke-NatLab -Lab $lab -Namespace r1 -- nft list map ip natlab cone) -join "`n" | Should -Match 'elements'
        [int] (Invoke-NatLab -Lab $lab -Namespace r1 -- conntrack -C) | Should -BeGreaterThan 0
        Clear-NatLabConntrack -Lab $lab -Site 1
        (Invoke-NatLab -Lab $lab -Namespace r1 -- nft list map ip natlab cone) -join "`n" | Should -Not -Match 'elements'
        [int] (Invoke-NatLab -Lab $lab -Namespace r1 -- conntrack -C) | Should -Be 0
        (Measure-Nat $lab 1).filtering | Should -Be 'endpoint-independent'
    }

    It 'drops a packet to an address outside the lab silently, from <_>' -ForEach 'srv', 'r1', 'r2', 'h1', 'h2' {
        if ($lab.Site1.Nat -ne 'PortRestricted') { Set-NatLabNat -Lab $lab -Site 1 -Type PortRestricted }
        if ($lab.Site2.Nat -ne 'UdpBlocked') { Set-NatLabNat -Lab $lab -Site 2 -Type UdpBlocked }
        $r = Invoke-NatLabProbe -Lab $lab -Namespace $_ deadend --to $lab.Outside
        $r.udp_send | Should -Be 'ok'            # no ENETUNREACH at once
        $r.udp_error | Should -BeNullOrEmpty     # and no ICMP error later
        $r.tcp | Should -Be 'timeout'            # a SYN into nowhere, as on the Internet
    }

    It 'has no route out of 198.18.0.0/15, only veth/bridge links and IPv6 off in <_>' -ForEach 'pub', 'srv', 'r1', 'r2', 'h1', 'h2' {
        $check = Invoke-NatLabProbe -Lab $lab -Namespace $_ selfcheck --lab-net 198.18.0.0/15
        $check.problems | Should -BeNullOrEmpty
        $check.ok | Should -BeTrue
    }

    It 'Start-NatLabProcess returns the pid of the command itself, in its namespace' {
        $sleep = Start-NatLabProcess -Lab $lab -Namespace h2 -- sleep 30
        try {
            Wait-Until { (& ip netns pids $lab.Namespaces.Host2) -contains [string] $sleep.Pid } | Should -BeTrue
            (Get-Content "/proc/$($sleep.Pid)/comm") | Should -Be 'sleep'
        }
        finally { Stop-NatLabProcess $sleep }
        $sleep.Process.HasExited | Should -BeTrue
    }
}

Describe 'NAT lab: life cycle' -Tag 'CI', 'Interop', 'NatLab' -Skip:$skip {
    BeforeAll {
        Assert-NatLabSupported
        $lab = New-NatLab -NoCoturn
    }
    AfterAll {
        if ($lab) { Remove-NatLab $lab }
    }

    It 'builds a second lab beside the first, isolated from it, and removes it leaving nothing' {
        $second = New-NatLab -Site1Nat Symmetric
        try {
            $second.Prefix | Should -Not -Be $lab.Prefix
            $second.Block | Should -Not -Be $lab.Block
            $second.ServerA | Should -Not -Be $lab.ServerA
            Get-LabNamespaces $second.Prefix | Should -HaveCount 6
            $probe = Start-ProbeServer $second
            (Measure-Nat $second 1).mapping | Should -Be 'address-and-port-dependent'
            # The first lab's server is outside the second lab: its packets go to the dead end.
            $crossing = Invoke-NatLabProbe -Lab $second -Namespace h1 tcp --connect "$($lab.Site2.RouterWan):22" --timeout 0.3
            $crossing.PSObject.Properties.Value | Should -Be 'timeout'
            $pids = @(foreach ($ns in Get-LabNamespaces $second.Prefix) { & ip netns pids $ns }) + @(Get-Content (Join-Path $second.StateDir 'watcher.pid'))
            $pids | Should -Contain ([string] $probe.Pid)
            $pids.Count | Should -BeGreaterOrEqual 3
            $stateDir = $second.StateDir
        }
        finally { Remove-NatLab $second }
        Get-LabNamespaces $second.Prefix | Should -BeNullOrEmpty
        Test-Path $stateDir | Should -BeFalse
        $pids | Where-Object { Test-Alive $_ } | Should -BeNullOrEmpty    # coturn, the probe server, the watcher's
        Get-LabNamespaces $lab.Prefix | Should -HaveCount 6                # the first lab is untouched
    }

    It 'refuses namespaces it did not create' {
        $foreign = 'wrtcforeign' + (Get-Random -Maximum 100000)
        & ip netns add $foreign
        $fake = 'wrtcfake' + (Get-Random -Maximum 10000)
        $fakeDir = Join-Path (Split-Path $lab.StateDir) $fake
        try {
            # No state for that prefix: nothing is touched.
            & bash $Tool down $fake 2>$null
            $LASTEXITCODE | Should -Not -Be 0
            # A foreign namespace named in a lab's state (its inode is not the recorded one) is left alone.
            New-Item -ItemType Directory -Path $fakeDir | Out-Null
            Set-Content (Join-Path $fakeDir 'lab') "BLOCK=126`nOWNER_PID=`nSIGNALING_PORT=8080`nCOTURN="
            Set-Content (Join-Path $fakeDir 'namespaces') "$foreign 1"
            $err = & bash $Tool down $fake 2>&1
            $LASTEXITCODE | Should -Be 3
            "$err" | Should -Match "refusing to touch namespace $foreign"
            # Nor will exec run in it through a real lab.
            & bash $Tool exec $lab.Prefix $foreign -- true 2>$null
            $LASTEXITCODE | Should -Not -Be 0
            Test-Path "/run/netns/$foreign" | Should -BeTrue
        }
        finally {
            & ip netns del $foreign
            Remove-Item -Recurse -Force $fakeDir -ErrorAction SilentlyContinue
        }
    }

    It 'tears a lab down when its owner process ends (Ctrl+C, kill)' {
        $owner = Start-Process -FilePath sleep -ArgumentList 60 -PassThru
        $info = (& bash $Tool up --json --no-coturn --owner-pid $owner.Id) -join "`n" | ConvertFrom-Json
        Get-LabNamespaces $info.prefix | Should -HaveCount 6
        $owner | Stop-Process -Force
        Wait-Until { -not (Get-LabNamespaces $info.prefix) -and -not (Test-Path $info.stateDir) } -TimeoutSec 15 | Should -BeTrue
    }

    It 'tears a half-built lab down when up is interrupted (SIG<_>)' -ForEach 'INT', 'TERM' {
        $prefix = 'wrtcint' + (Get-Random -Maximum 10000)
        $stateDir = Join-Path (Split-Path $lab.StateDir) $prefix
        # env --default-signal: this process may have been started with SIGINT ignored (a background job).
        $up = Start-Process -FilePath env -ArgumentList '--default-signal=INT', 'bash', $Tool, 'up', '--prefix', $prefix -PassThru `
            -RedirectStandardOutput (Join-Path $TestDrive 'up.out') -RedirectStandardError (Join-Path $TestDrive 'up.err')
        try {
            Wait-Until { (Get-LabNamespaces $prefix).Count -ge 3 } -TimeoutSec 10 | Should -BeTrue
            & kill "-$_" $up.Id
            $up.WaitForExit(10000) | Should -BeTrue
            $up.ExitCode | Should -Be 130
            Get-LabNamespaces $prefix | Should -BeNullOrEmpty
            Test-Path $stateDir | Should -BeFalse
        }
        finally { if (Test-Path $stateDir) { & bash $Tool down $prefix } }
    }
}
