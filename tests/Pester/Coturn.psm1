# Starts coturn (Debian's turnserver) on 127.0.0.1 for tests, on free ports, and stops it.

function Get-FreeUdpPort {
    $udp = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
    try { return $udp.Client.LocalEndPoint.Port } finally { $udp.Dispose() }
}

function Test-CoturnAvailable { [bool] (Get-Command turnserver -CommandType Application -ErrorAction SilentlyContinue) }

# Readiness: one STUN Binding request (RFC 8489 header only) answered within 200 ms.
function Test-StunAnswers([int] $Port) {
    $udp = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
    try {
        $request = [byte[]]::new(20)
        $request[1] = 1                                   # Binding request
        $request[4] = 0x21; $request[5] = 0x12; $request[6] = 0xA4; $request[7] = 0x42   # magic cookie
        for ($i = 8; $i -lt 20; $i++) { $request[$i] = [byte] (Get-Random -Maximum 256) }
        $null = $udp.Send($request, 20, [System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, $Port))
        $receive = $udp.ReceiveAsync()
        return $receive.Wait(200) -and $receive.Result.Buffer.Length -ge 20
    }
    catch { return $false }
    finally { $udp.Dispose() }
}

# A STUN-only coturn on 127.0.0.1; returns @{ Process; Port; Log }. Ready when its UDP listener is open.
function Start-TestStunServer {
    $port = Get-FreeUdpPort
    $dir = Join-Path ([IO.Path]::GetTempPath()) "wrtc-coturn-$port"
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    $log = Join-Path $dir 'turnserver.log'
    $arguments = @('-n', '--listening-ip=127.0.0.1', "--listening-port=$port", '--stun-only', '--no-cli', '--no-tls', '--no-dtls',
        '--simple-log', "--log-file=$log", "--pidfile=$(Join-Path $dir 'turnserver.pid')")
    $process = Start-Process -FilePath (Get-Command turnserver -CommandType Application | Select-Object -First 1).Source -ArgumentList $arguments -PassThru `
        -RedirectStandardOutput (Join-Path $dir 'stdout.txt') -RedirectStandardError (Join-Path $dir 'stderr.txt')
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) { throw "turnserver exited with $($process.ExitCode): $(Get-Content -Raw (Join-Path $dir 'stderr.txt') -ErrorAction SilentlyContinue)" }
        if (Test-StunAnswers -Port $port) { return [pscustomobject]@{ Process = $process; Port = $port; Directory = $dir } }
    }
    $process | Stop-Process -Force -ErrorAction SilentlyContinue
    throw "turnserver did not open its listener on 127.0.0.1:$port within 20 s"
}

function Stop-TestStunServer($Server) {
    if ($Server -and -not $Server.Process.HasExited) { $Server.Process | Stop-Process -Force; $Server.Process.WaitForExit(5000) | Out-Null }
    if ($Server) { Remove-Item -Recurse -Force $Server.Directory -ErrorAction SilentlyContinue }
}

Export-ModuleMember -Function Test-CoturnAvailable, Test-StunAnswers, Start-TestStunServer, Stop-TestStunServer, Get-FreeUdpPort
