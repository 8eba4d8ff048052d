# mDNS host candidates (issue 14): the real MulticastDnsResponder and MulticastDnsResolver, and
# WebRtcPS with -MdnsHostCandidates connecting host to host to WebRtcPS, resolving each other's
# UUID.local names. Multicast on the machine's own loopback is unreliable and the queries must not
# leave the machine, so everything runs in a network namespace the test creates: loopback (for the
# signaling server) and one veth interface with an address from 198.18.0.0/15 and the multicast
# route; IPv6 off (no router solicitations). Needs root and ip (iproute2): elsewhere it skips,
# except in CI (WRTC_REQUIRE_INTEROP=1), where it fails.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $reason = if (-not $IsLinux) { 'network namespaces need Linux' }
    elseif ((& id -u) -ne '0') { 'network namespaces need root' }
    elseif (-not (Get-Command ip -ErrorAction SilentlyContinue)) { 'ip (iproute2) is not installed' }
    $skip = [bool] $reason -and -not (Test-WrtcInteropRequired)
    if ($skip) { Write-Host "Mdns.Tests.ps1 is skipped: $reason" -ForegroundColor Yellow }
}

Describe 'mDNS host candidates in a network namespace' -Tag 'CI' -Skip:$skip {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        # The suite's namespaces are named wrtc + four hex digits (tests/lab); this one ends in -mdns.
        $script:Ns = 'wrtc{0:x4}-mdns' -f (Get-Random -Maximum 65536)
        $script:Address = '198.19.253.1'   # in the /22 no NAT lab is given
        & ip netns add $Ns
        if ($LASTEXITCODE -ne 0) { throw "cannot create namespace $Ns" }
        & ip netns exec $Ns sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 | Out-Null
        & ip -n $Ns link set lo up
        # A veth pair inside the namespace: its ends are "up" (a dummy link's state is unknown,
        # which gathering skips); m0 has the address, m1 only carries the other end.
        & ip -n $Ns link add m0 type veth peer name m1
        & ip -n $Ns link set m1 up
        & ip -n $Ns link set m0 up
        & ip -n $Ns addr add "$Address/24" dev m0
        & ip -n $Ns route add 224.0.0.0/4 dev m0

        # Runs a script in the namespace (a process of its own: this one cannot enter it) with the
        # built module imported; returns its output, ConvertFrom-Json'd.
        function Invoke-InNamespace([string] $Script) {
            $module = (Resolve-Path (Get-WrtcTestModulePath)).Path
            $pwsh = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
                @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))     # pwsh as a dotnet tool
            }
            else { @([Environment]::ProcessPath) }
            $out = & ip netns exec $Ns @pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; $Script | ConvertTo-Json -Compress -Depth 3"
            if ($LASTEXITCODE -ne 0) { throw "the script in $Ns exited with $LASTEXITCODE`: $out" }
            ($out -join "`n") | ConvertFrom-Json
        }
    }

    AfterAll {
        if ($Ns) {
            # Whatever still runs in it (nothing should), by process id.
            foreach ($id in @(& ip netns pids $Ns 2>$null)) { if ($id) { & kill -KILL $id 2>$null } }
            & ip netns del $Ns 2>$null
        }
    }

    It 'resolves a published name through the real responder (RFC 6762 one-shot query, legacy unicast answer)' {
        $r = Invoke-InNamespace @'
$null = Get-WrtcPeer   # the module's load context exists once a cmdlet ran; the engine is loaded in it
$alc = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'WebRtcPS'
$engine = $alc.LoadFromAssemblyName([Reflection.AssemblyName]::new('WebRtcPS.Engine'))
$responderType = $engine.GetType('WebRtcPS.Engine.Ice.MulticastDnsResponder')
$resolverType = $engine.GetType('WebRtcPS.Engine.Ice.MulticastDnsResolver')
$name = [guid]::NewGuid().ToString() + '.local'
$publication = $responderType::Shared.Publish($name, [ipaddress] '198.19.253.1')
$watch = [Diagnostics.Stopwatch]::StartNew()
$found = $resolverType::Shared.ResolveAsync($name, [TimeSpan]::FromSeconds(3), [Threading.CancellationToken]::None).AsTask().GetAwaiter().GetResult()
$ms = $watch.Elapsed.TotalMilliseconds
$unknown = $resolverType::new().ResolveAsync('nobody-' + $name, [TimeSpan]::FromMilliseconds(1500), [Threading.CancellationToken]::None).AsTask().GetAwaiter().GetResult()
$publication.Dispose()
[pscustomobject]@{ Found = @($found | ForEach-Object ToString); Ms = $ms; Unknown = @($unknown).Count }
'@
        $r.Found | Should -Be @('198.19.253.1')
        $r.Ms | Should -BeLessThan 1000
        $r.Unknown | Should -Be 0
    }

    It 'connects WebRtcPS to WebRtcPS host to host with -MdnsHostCandidates, each resolving the other''s name' {
        $r = Invoke-InNamespace 'Test-WrtcConnection -MdnsHostCandidates -Interface m0 -TimeoutSec 60 | Select-Object Success, SelectedPairType, LocalCandidate, RemoteCandidate, Error'
        $r.Error | Should -BeNullOrEmpty
        $r.Success | Should -BeTrue
        $r.SelectedPairType | Should -Be 'host'
        # Both ends of the pair are names: ours is hidden, the peer's was resolved (an unresolved
        # name would leave the peer known only as a peer-reflexive address).
        $r.LocalCandidate | Should -Match '^host [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.local:\d+$'
        $r.RemoteCandidate | Should -Match '^host [0-9a-f-]{36}\.local:\d+$'
    }
}
