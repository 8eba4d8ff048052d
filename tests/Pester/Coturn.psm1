# Starts coturn (Debian's turnserver) on 127.0.0.1 for tests, on free ports, and stops it.

# A port free for both UDP and TCP on 127.0.0.1 (coturn listens on both with the same number).
function Get-FreeUdpTcpPort {
    for ($i = 0; $i -lt 50; $i++) {
        $udp = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
        try {
            $port = $udp.Client.LocalEndPoint.Port
            $tcp = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $port)
            try { $tcp.Start(); return $port } catch { continue } finally { $tcp.Stop() }
        }
        finally { $udp.Dispose() }
    }
    throw 'no port free for both UDP and TCP'
}

function Get-FreeUdpPort {
    $udp = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
    try { return $udp.Client.LocalEndPoint.Port } finally { $udp.Dispose() }
}

function Test-CoturnAvailable { [bool] (Get-Command turnserver -CommandType Application -ErrorAction SilentlyContinue) }

# A STUN Binding request (RFC 8489 §5: header only, random transaction ID).
function New-StunBindingRequest {
    $request = [byte[]]::new(20)
    $request[1] = 1                                   # Binding request
    $request[4] = 0x21; $request[5] = 0x12; $request[6] = 0xA4; $request[7] = 0x42   # magic cookie
    for ($i = 8; $i -lt 20; $i++) { $request[$i] = [byte] (Get-Random -Maximum 256) }
    $request
}

# A Binding success response (0x0101) to $Request: same cookie and transaction ID.
function Test-StunBindingAnswer([byte[]] $Request, [byte[]] $Response, [int] $Length) {
    if ($Length -lt 20 -or $Response[0] -ne 1 -or $Response[1] -ne 1) { return $false }
    for ($i = 4; $i -lt 20; $i++) { if ($Response[$i] -ne $Request[$i]) { return $false } }
    $true
}

# Readiness: one STUN Binding request over UDP answered with a Binding success response within 500 ms.
function Test-StunAnswers([int] $Port) {
    $udp = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
    try {
        $request = New-StunBindingRequest
        $null = $udp.Send($request, 20, [System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, $Port))
        $receive = $udp.ReceiveAsync()
        return $receive.Wait(500) -and (Test-StunBindingAnswer $request $receive.Result.Buffer $receive.Result.Buffer.Length)
    }
    catch { return $false }
    finally { $udp.Dispose() }
}

# Readiness over TCP, or TLS with -Tls (any certificate: the test server's is self-signed): a Binding
# request on the stream (RFC 8489 §6.2.2: no extra framing) answered with a success response within 2 s.
function Test-StunAnswersOverStream([int] $Port, [switch] $Tls) {
    $client = [System.Net.Sockets.TcpClient]::new()
    try {
        if (-not ($client.ConnectAsync([System.Net.IPAddress]::Loopback, $Port).Wait(500) -and $client.Connected)) { return $false }
        [System.IO.Stream] $stream = $client.GetStream()
        if ($Tls) {
            $stream = [System.Net.Security.SslStream]::new($stream, $false, { $true })
            if (-not $stream.AuthenticateAsClientAsync('localhost').Wait(2000)) { return $false }
        }
        $request = New-StunBindingRequest
        $stream.Write($request, 0, 20)
        $stream.Flush()
        $buffer = [byte[]]::new(512)
        $got = 0
        $deadline = [DateTime]::UtcNow.AddSeconds(2)
        while ($got -lt 20 -and [DateTime]::UtcNow -lt $deadline) {
            $read = $stream.ReadAsync($buffer, $got, $buffer.Length - $got)
            if (-not $read.Wait(2000) -or $read.Result -eq 0) { return $false }
            $got += $read.Result
        }
        return Test-StunBindingAnswer $request $buffer $got
    }
    catch { return $false }
    finally { $client.Dispose() }
}

# A STUN-only coturn on 127.0.0.1; returns @{ Process; Port; Directory }. Ready when it answers a Binding request.
function Start-TestStunServer {
    $port = Get-FreeUdpPort
    $dir = Join-Path ([IO.Path]::GetTempPath()) "wrtc-coturn-$port"
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    $log = Join-Path $dir 'turnserver.log'
    $arguments = @('-n', '--listening-ip=127.0.0.1', "--listening-port=$port", '--stun-only', '--no-tcp', '--no-cli', '--no-tls', '--no-dtls',
        '--simple-log', "--log-file=$log", "--pidfile=$(Join-Path $dir 'turnserver.pid')")
    $process = Start-Process -FilePath (Get-Command turnserver -CommandType Application | Select-Object -First 1).Source -ArgumentList $arguments -PassThru `
        -RedirectStandardOutput (Join-Path $dir 'stdout.txt') -RedirectStandardError (Join-Path $dir 'stderr.txt')
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) { throw "turnserver exited with $($process.ExitCode): $(Get-Content -Raw (Join-Path $dir 'stderr.txt') -ErrorAction SilentlyContinue)" }
        if (Test-StunAnswers -Port $port) { return [pscustomobject]@{ Process = $process; Port = $port; Directory = $dir } }
    }
    $process | Stop-Process -Force -ErrorAction SilentlyContinue
    throw "turnserver did not answer a STUN Binding request on 127.0.0.1:$port within 20 s"
}

function Stop-TestTurnServer($Server) { Stop-TestStunServer $Server }

function Stop-TestStunServer($Server) {
    if ($Server -and -not $Server.Process.HasExited) { $Server.Process | Stop-Process -Force; $Server.Process.WaitForExit(5000) | Out-Null }
    if ($Server) { Remove-Item -Recurse -Force $Server.Directory -ErrorAction SilentlyContinue }
}

function Get-FreeTcpPort {
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $l.Start()
    try { return $l.LocalEndpoint.Port } finally { $l.Stop() }
}

# A full TURN coturn (UDP, TCP, TLS) on 127.0.0.1 from tests/interop/coturn/turnserver.conf.template:
# user alice/secret, realm webrtcps.test, a self-signed certificate made here.
function Start-TestTurnServer {
    $port = Get-FreeUdpTcpPort
    $tlsPort = Get-FreeTcpPort
    $dir = Join-Path ([IO.Path]::GetTempPath()) "wrtc-turn-$port"
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    & openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost `
        -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' -keyout (Join-Path $dir 'key.pem') -out (Join-Path $dir 'cert.pem') 2>$null
    if ($LASTEXITCODE -ne 0) { throw 'openssl could not make the test certificate' }
    $minRelay = Get-RelayPortBase
    $template = Get-Content -Raw (Join-Path $PSScriptRoot '../interop/coturn/turnserver.conf.template')
    $values = @{ PORT = $port; TLS_PORT = $tlsPort; MIN_RELAY_PORT = $minRelay; MAX_RELAY_PORT = $minRelay + 99; USER = 'alice'; PASSWORD = 'secret'
        REALM = 'webrtcps.test'; DIR = $dir; MAX_LIFETIME = 3600; PERMISSION_LIFETIME = 300; CHANNEL_LIFETIME = 600; STALE_NONCE = 600 }
    foreach ($k in $values.Keys) { $template = $template.Replace("{{$k}}", [string] $values[$k]) }
    $conf = Join-Path $dir 'turnserver.conf'
    Set-Content -Path $conf -Value $template
    $exe = (Get-Command turnserver -CommandType Application | Select-Object -First 1).Source
    $process = Start-Process -FilePath $exe -ArgumentList @('-c', $conf) -PassThru `
        -RedirectStandardOutput (Join-Path $dir 'stdout.txt') -RedirectStandardError (Join-Path $dir 'stderr.txt')
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) { throw "turnserver exited with $($process.ExitCode)" }
        # Ready when all three listeners answer STUN, not merely accept a connection.
        if ((Test-StunAnswers -Port $port) -and (Test-StunAnswersOverStream -Port $port) -and (Test-StunAnswersOverStream -Port $tlsPort -Tls)) {
            return [pscustomobject]@{ Process = $process; Port = $port; TlsPort = $tlsPort; Directory = $dir
                Credential = [pscredential]::new('alice', (ConvertTo-SecureString 'secret' -AsPlainText -Force)) }
        }
    }
    $process | Stop-Process -Force -ErrorAction SilentlyContinue
    throw "turnserver did not answer STUN on 127.0.0.1:$port (UDP, TCP) and $tlsPort (TLS) within 20 s"
}

# The first of 100 relay ports for coturn, outside the kernel's ephemeral range
# (/proc/sys/net/ipv4/ip_local_port_range): inside it, sockets other tests bind to port 0 would take
# coturn's relay ports (and coturn theirs). Random blocks, so parallel servers rarely share one.
function Get-RelayPortBase {
    $low = 32768; $high = 60999   # Linux's default range
    $rangeFile = '/proc/sys/net/ipv4/ip_local_port_range'
    if (Test-Path $rangeFile) {
        $range = (Get-Content -Raw $rangeFile).Split([char[]] "`t `n", [StringSplitOptions]::RemoveEmptyEntries)
        $low = [int] $range[0]; $high = [int] $range[1]
    }
    $blocks = @(foreach ($b in 100..654) { $base = $b * 100; if ($base + 99 -lt $low -or $base -gt $high) { $base } })
    if (-not $blocks) { throw "no relay ports outside the ephemeral range $low-$high" }
    $blocks | Get-Random
}

Export-ModuleMember -Function Start-TestTurnServer, Stop-TestTurnServer, Get-FreeTcpPort, Test-CoturnAvailable, Test-StunAnswers, Start-TestStunServer, Stop-TestStunServer, Get-FreeUdpPort, Get-FreeUdpTcpPort
