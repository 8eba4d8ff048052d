# mDNS host candidates (issue 14): the real MulticastDnsResponder and MulticastDnsResolver, and
# WebRtcPS with -MdnsHostCandidates connecting host to host to WebRtcPS and to pion (its mDNS
# query-and-gather mode: tests/interop/pion-peer -mdns), resolving each other's .local names. Multicast on the machine's own loopback is unreliable and the queries must not
# leave the machine, so everything runs in two network namespaces the test creates, joined by a
# veth pair (one link), with loopback, addresses from 198.18.0.0/15 and the multicast route; IPv6
# off (no router solicitations). Needs root and ip (iproute2): elsewhere it skips,
# except in CI (WRTC_REQUIRE_INTEROP=1), where it fails.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $reason = Get-WrtcNamespaceSkipReason
    $skip = [bool] $reason -and -not (Test-WrtcInteropRequired)
    if ($skip) { Write-Host "Mdns.Tests.ps1 is skipped: $reason" -ForegroundColor Yellow }
    $noGo = -not (Get-Command go -ErrorAction SilentlyContinue)
    $skipPion = $skip -or ($noGo -and -not (Test-WrtcInteropRequired))
}

Describe 'mDNS host candidates in a network namespace' -Tag 'CI' -Skip:$skip {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        # The suite's namespaces are named wrtc + four hex digits (tests/lab); these end in -mdns and
        # -mdns2: one link (a veth pair) between them, 198.19.253.1 and .2 (in the /22 no NAT lab is
        # given), with the multicast route. pion runs in the second: it holds port 5353 alone.
        $tag = 'wrtc{0:x4}' -f (Get-Random -Maximum 65536)
        $script:Ns = "$tag-mdns"
        $script:Ns2 = "$tag-mdns2"
        $script:Address = '198.19.253.1'
        foreach ($n in $Ns, $Ns2) {
            & ip netns add $n
            if ($LASTEXITCODE -ne 0) { throw "cannot create namespace $n" }
            & ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 | Out-Null
            & ip -n $n link set lo up
        }
        & ip -n $Ns link add m0 type veth peer name m1 netns $Ns2
        & ip -n $Ns addr add "$Address/24" dev m0
        & ip -n $Ns2 addr add 198.19.253.2/24 dev m1
        & ip -n $Ns link set m0 up
        & ip -n $Ns2 link set m1 up
        & ip -n $Ns route add 224.0.0.0/4 dev m0
        & ip -n $Ns2 route add 224.0.0.0/4 dev m1

        # Runs a script in the namespace (a process of its own: this one cannot enter it) with the
        # built module imported; returns its output, ConvertFrom-Json'd.
        function Invoke-InNamespace([string] $Script) {
            $module = (Resolve-Path (Get-WrtcTestModulePath)).Path
            $pwsh = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
                @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))     # pwsh as a dotnet tool
            }
            else { @([Environment]::ProcessPath) }
            $out = & ip netns exec $Ns @pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; & { $Script } | ConvertTo-Json -Compress -Depth 3"
            if ($LASTEXITCODE -ne 0) { throw "the script in $Ns exited with $LASTEXITCODE`: $out" }
            ($out -join "`n") | ConvertFrom-Json
        }
    }

    AfterAll {
        foreach ($n in @($Ns, $Ns2) | Where-Object { $_ }) {
            # Whatever still runs in them (nothing should), by process id.
            foreach ($id in @(& ip netns pids $n 2>$null)) { if ($id) { & kill -KILL $id 2>$null } }
            & ip netns del $n 2>$null
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
        # Both sides hide their addresses, so no check leaves either before a name resolves: the
        # connection itself proves the resolution. The pair is reported as selected: the peer's
        # resolved name, or its peer-reflexive address when its check came first (the name,
        # resolved a moment later, merges into it).
        $r.LocalCandidate | Should -Match '^host [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.local:\d+$'
        $r.RemoteCandidate | Should -Match '^(host [0-9a-f-]{36}\.local|prflx 198\.19\.253\.1):\d+$'
    }

    It 'connects WebRtcPS with -MdnsHostCandidates to pion hiding its host candidates too' -Skip:$skipPion {
        $pion = (& bash (Join-Path $PSScriptRoot '../interop/build-go.sh') pion-peer | Select-Object -Last 1)
        if ($LASTEXITCODE -ne 0 -or -not $pion) { throw 'building tests/interop/pion-peer failed' }
        $log = Join-Path ([IO.Path]::GetTempPath()) "wrtc-mdns-pion-$([guid]::NewGuid().ToString('N')).out"
        try {
            $r = Invoke-InNamespace @"
`$server = Start-WrtcSignalingServer -Port 0 -ListenAddress $Address
try {
    `$p = Start-Process -FilePath ip -ArgumentList 'netns', 'exec', '$Ns2', '$pion', '-role', 'answerer', '-signaling-addr', `$server.Url.TrimEnd('/'), '-mdns', '-timeout', '40s' -RedirectStandardOutput '$log' -PassThru
    `$deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Select-String -Path '$log' -Pattern '"event":"ready"' -Quiet -ErrorAction SilentlyContinue) -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 50 }
    `$t = Test-WrtcConnection -SignalingUri `$server.Url -MdnsHostCandidates -Interface m0 -TimeoutSec 40
    if (-not `$p.WaitForExit(30000)) { `$p.Kill() }
    `$events = @(Get-Content '$log' | Where-Object { `$_ -like '{*' } | ForEach-Object { `$_ | ConvertFrom-Json })
    [pscustomobject]@{
        Success = `$t.Success; Error = `$t.Error; LocalCandidate = `$t.LocalCandidate; RemoteCandidate = `$t.RemoteCandidate
        PionOk = [bool] (`$events | Where-Object event -EQ 'result' | Select-Object -Last 1).ok
        PionLocal = (`$events | Where-Object { `$_.event -eq 'candidate' -and `$_.source -eq 'local' } | Select-Object -First 1).address
    }
}
finally { Stop-WrtcSignalingServer -InputObject `$server }
"@
        }
        finally { Remove-Item $log -ErrorAction SilentlyContinue }
        $r.Error | Should -BeNullOrEmpty
        $r.Success | Should -BeTrue
        $r.PionOk | Should -BeTrue
        # pion signals a .local name (its mDNS query-and-gather mode).
        $r.PionLocal | Should -Match '\.local$'
        $r.LocalCandidate | Should -Match '^host \S+\.local:\d+$'
        # The pair is reported as selected: with pion's resolved name, or, when pion's check came
        # first, its peer-reflexive address (the name, resolved later, merges into it; the
        # report keeps the pair as it was selected). Either way host to host on the link.
        $r.RemoteCandidate | Should -Match '^(host \S+\.local|prflx 198\.19\.253\.2):\d+$'
    }
}
