<#
.SYNOPSIS
    Setup time and data-channel throughput with Chromium (Debian's, headless), next to pion<->pion
    measured in the same run, in the same network namespace, through the same signaling server.
.DESCRIPTION
    Every run is one scenario of the suite's Chromium lab agent (tests/WebRtcPS.Engine.Tests/Browser:
    the test assembly run as a program inside a network namespace this script makes, as the tests
    do): our signaling server serving the /peer page, Chromium driven by PuppeteerSharp, a WebRtcPS
    peer in the agent's process (a fresh process each run: cold JIT, as a user's first connection),
    or two pion-peer processes for the reference. Pairings alternate within each round, so load
    swings on the shared machine hit them alike. Needs root (namespaces), chromium, Go/pion
    (tools/deps.sh). Prints one line per run, a table of medians and one JSON line.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/chromium/Measure-Chromium.ps1 -HelloRuns 7 -BulkRuns 3
#>
[CmdletBinding()]
param(
    [int] $HelloRuns = 7,
    [int] $BulkRuns = 3,
    [int] $BulkMiB = 16,
    [int] $MessageSize = 65535,
    [switch] $SkipBuild
)
$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '../..')
$project = Join-Path $root 'tests/WebRtcPS.Engine.Tests'
if (-not $SkipBuild) {
    & dotnet build $project -c Release -m:1 -v q -nologo '-clp:ErrorsOnly;NoSummary'
    if ($LASTEXITCODE) { throw 'build failed' }
}
$dll = Join-Path $project 'bin/Release/net10.0/WebRtcPS.Engine.Tests.dll'
$dotnet = (Get-Command dotnet).Source
if ((id -u) -ne '0') { throw 'needs root (network namespaces)' }

# The namespace, as ChromiumNamespace.cs makes it: loopback, a veth pair inside, IPv6 off.
$ns = "wrtcbr-$PID-bench"
$address = '198.19.240.10'; $gateway = '198.19.240.1'
$ipExe = (Get-Command ip -CommandType Application | Select-Object -First 1).Source
function Invoke-Ip { & $ipExe @args; if ($LASTEXITCODE) { throw "ip $args failed" } }
Invoke-Ip netns add $ns
try {
    Invoke-Ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    Invoke-Ip -n $ns link set lo up
    Invoke-Ip -n $ns link add lab0 type veth peer name lab1
    Invoke-Ip -n $ns addr add "$address/24" dev lab0
    Invoke-Ip -n $ns addr add "$gateway/24" dev lab1
    Invoke-Ip -n $ns link set lab0 up
    Invoke-Ip -n $ns link set lab1 up
    Invoke-Ip -n $ns route add default via $gateway dev lab0 src $address

    function Invoke-Scenario([hashtable] $scenario) {
        $json = $scenario | ConvertTo-Json -Compress
        $lines = & $ipExe netns exec $ns $dotnet $dll browser-agent $json 2>$null
        $result = $lines | Where-Object { $_ -like '{"event":"result"*' } | Select-Object -Last 1 | ConvertFrom-Json
        if (-not $result -or -not $result.ok) { Write-Warning "$json failed: $($result.error)"; return $null }
        $result
    }
    function Median([double[]] $values) {
        if (-not $values) { return $null }
        $sorted = $values | Sort-Object
        $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)]
    }

    $setup = [ordered]@{ 'webrtcps->chromium' = @(); 'chromium->webrtcps' = @(); 'chromium<->chromium' = @(); 'pion<->pion' = @() }
    $hello = [ordered]@{
        'webrtcps->chromium'  = @{ s = @{ Kind = 'greetings'; ChromiumRole = 'answerer' }; f = { $args[0].webrtcps_setup_ms } }
        'chromium->webrtcps'  = @{ s = @{ Kind = 'greetings'; ChromiumRole = 'offerer' }; f = { $args[0].chromium_setup_ms } }
        'chromium<->chromium' = @{ s = @{ Kind = 'browsers' }; f = { $args[0].offerer_setup_ms } }
        'pion<->pion'         = @{ s = @{ Kind = 'pion' }; f = { $args[0].pion_setup_ms } }
    }
    for ($i = 1; $i -le $HelloRuns; $i++) {
        $names = @($hello.Keys)
        $order = $names[($i % $names.Count)..($names.Count - 1)] + $names[0..(($i % $names.Count) - 1)] | Select-Object -Unique
        foreach ($name in $order) {
            $r = Invoke-Scenario $hello[$name].s
            if ($r) {
                $ms = [double](& $hello[$name].f $r)
                $setup[$name] += $ms
                Write-Host ("hello {0,2} {1,-20} setup {2,8:N1} ms" -f $i, $name, $ms)
            }
        }
    }

    $bytes = $BulkMiB * 1MB
    $bulk = [ordered]@{ 'webrtcps->chromium' = @(); 'chromium->webrtcps' = @(); 'chromium<->chromium' = @(); 'pion<->pion' = @() }
    for ($i = 1; $i -le $BulkRuns; $i++) {
        $r = Invoke-Scenario @{ Kind = 'bulk'; ChromiumRole = 'answerer'; Bytes = $bytes; MessageSize = $MessageSize }
        if ($r) {
            $bulk['webrtcps->chromium'] += $r.to_chromium.mbps
            $bulk['chromium->webrtcps'] += $r.from_chromium.mbps
            Write-Host ("bulk  {0,2} webrtcps->chromium {1,7:N1} Mbit/s, chromium->webrtcps {2,7:N1} Mbit/s (sha256 {3})" -f $i,
                $r.to_chromium.mbps, $r.from_chromium.mbps, ($r.to_chromium.sha256_sent -eq $r.to_chromium.sha256_received -and $r.from_chromium.sha256_sent -eq $r.from_chromium.sha256_received))
        }
        $r = Invoke-Scenario @{ Kind = 'browsers'; Bytes = $bytes; MessageSize = $MessageSize }
        if ($r) { $bulk['chromium<->chromium'] += $r.bulk.mbps; Write-Host ("bulk  {0,2} chromium<->chromium {1,7:N1} Mbit/s" -f $i, $r.bulk.mbps) }
        $r = Invoke-Scenario @{ Kind = 'pion'; Bytes = $bytes; MessageSize = $MessageSize }
        if ($r) { $bulk['pion<->pion'] += $r.pion_mbps; Write-Host ("bulk  {0,2} pion<->pion        {1,7:N1} Mbit/s" -f $i, $r.pion_mbps) }
    }

    $summary = [ordered]@{}
    Write-Host ''
    Write-Host ('{0,-20} {1,16} {2,22}' -f 'pairing', 'setup ms (median)', "bulk Mbit/s ($BulkMiB MiB)")
    foreach ($name in $setup.Keys) {
        $s = Median $setup[$name]; $b = Median $bulk[$name]
        $summary[$name] = [ordered]@{ setup_ms = $s; setup_n = $setup[$name].Count; mbps = $b; bulk_n = $bulk[$name].Count }
        Write-Host ('{0,-20} {1,16:N1} {2,22:N1}' -f $name, $s, $b)
    }
    $load = (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' '
    [ordered]@{ 'chromium-bench' = $summary; load = $load; message_size = $MessageSize; when = (Get-Date).ToUniversalTime().ToString('s') + 'Z' } |
        ConvertTo-Json -Compress -Depth 5
}
finally {
    & $ipExe netns del $ns
}
