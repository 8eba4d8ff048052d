# Run in a fresh pwsh (the stock one): imports WebRtcPS, uses every cmdlet once on loopback, and
# prints one line "RESULT:" + JSON with what each step saw. A step that throws records the error
# and the script goes on, so the Pester test names every step that broke, not only the first.
param(
    # A module name (as a user imports it once installed) or a manifest path.
    [Parameter(Mandatory)] [string] $Module,
    # Assemblies another module would have loaded first (e.g. BouncyCastle 2.4).
    [string[]] $Preload = @()
)

$ErrorActionPreference = 'Stop'
$result = [ordered]@{}

function Step([string] $Name, [scriptblock] $Body) {
    try {
        $result[$Name] = [ordered]@{ Ok = $true; Value = (& $Body) }
    }
    catch {
        $result[$Name] = [ordered]@{ Ok = $false; Value = "$($_.Exception.GetType().Name): $($_.Exception.Message)" }
    }
}

function Get-LoadedAssembly([string] $Name) {
    @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $Name } | ForEach-Object {
            $version = [Diagnostics.FileVersionInfo]::GetVersionInfo($_.Location).ProductVersion -replace '\+.*$'
            "$version in $([Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name)"
        })
}

$result.AspNetCoreBesideRuntime = Test-Path (Join-Path ([Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()) '../../Microsoft.AspNetCore.App')

Step Preload {
    foreach ($path in $Preload) {
        $assembly = [Reflection.Assembly]::LoadFrom($path)
        # Use it, as the other module would: a digest computed by the preloaded copy.
        if ($assembly.GetName().Name -eq 'BouncyCastle.Cryptography') {
            $digest = [Activator]::CreateInstance($assembly.GetType('Org.BouncyCastle.Crypto.Digests.Sha256Digest'))
            $null = $digest.GetDigestSize()
        }
    }
    @($Preload).Count
}

Step Import {
    Import-Module $Module
    $m = Get-Module WebRtcPS
    "$($m.Version) $($m.ModuleBase)"
}

Step Help { @((Get-Help Connect-WrtcPeer -Examples).examples.example).Count }

Step Test-WrtcConnection {
    $r = Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 30
    if (-not $r.Success) { throw "Test-WrtcConnection failed: $($r.Error)" }
    "$($r.SelectedPairType) $($r.Protocol)"
}

Step Get-WrtcIceCandidate {
    $host4 = Get-WrtcIceCandidate -Interface 127.0.0.1 -IncludeLoopback -TimeoutSec 5 -NoSummary | Where-Object Type -EQ 'host' | Select-Object -First 1
    if (-not $host4) { throw 'no host candidate' }
    $host4.Address
}

Step Test-WrtcIceServer {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $closed = $listener.LocalEndpoint.Port; $listener.Stop()
    $credential = [pscredential]::new('user', (ConvertTo-SecureString 'pass' -AsPlainText -Force))
    (Test-WrtcIceServer -Uri "turn:127.0.0.1:${closed}?transport=tcp" -Credential $credential -TimeoutSec 5).Verdict
}

Step SignalingExchange {
    $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
    $body = @{ type = 'offer'; content = 'v=0'; to = 'b-peer'; from = 'a-peer' } | ConvertTo-Json -Compress
    $null = Invoke-RestMethod -Method Post -Uri "$($server.Url)send" -Body $body -ContentType 'application/json'
    $queued = (Get-WrtcSignalingServer -Port $server.Port).QueuedMessages
    # /receive streams JSON objects; read until the queued offer arrives (heartbeats may come first).
    $client = [Net.Http.HttpClient]::new()
    $client.Timeout = [TimeSpan]::FromSeconds(20)
    $reader = [IO.StreamReader]::new($client.GetStreamAsync("$($server.Url)receive?id=b-peer").GetAwaiter().GetResult())
    $received = $null
    while (-not $received) {
        $line = $reader.ReadLineAsync()
        if (-not $line.Wait(10000) -or $null -eq $line.Result) { throw 'no message on /receive' }
        $message = $line.Result | ConvertFrom-Json
        if ($message.type -eq 'offer') { $received = $message }
    }
    $reader.Dispose(); $client.Dispose()
    $server | Stop-WrtcSignalingServer -Confirm:$false
    "queued $queued, received $($received.type) from $($received.from)"
}

Step Peers {
    $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
    try {
        # The answerer in its own runspace of this process, the offerer here.
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("Import-Module '$Module'; Connect-WrtcPeer -Role Answerer -Id smoke-b -RemoteId smoke-a -SignalingUri $($server.Url) -Interface 127.0.0.1 -NoGreeting -PassThru -TimeoutSec 30")
        $handle = $ps.BeginInvoke()
        $offerer = New-WrtcPeer -Role Offerer -Id smoke-a -RemoteId smoke-b -SignalingUri $server.Url -Interface 127.0.0.1
        $offerer = $offerer | Connect-WrtcPeer -NoGreeting -PassThru -TimeoutSec 30 | Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        if (-not $handle.AsyncWaitHandle.WaitOne(30000)) { throw 'the answerer did not finish' }
        $answerer = $ps.EndInvoke($handle) | Where-Object { $_ -is [WebRtcPS.WrtcPeer] }
        if ($ps.Streams.Error.Count) { throw "answerer: $($ps.Streams.Error[0])" }
        $ps.Dispose()
        Send-WrtcMessage -Peer $offerer -Message 'ping'
        $got = Receive-WrtcMessage -Peer $answerer -TimeoutSec 20
        $stats = @(Get-WrtcStats -Peer $offerer).Count
        $listed = @(Get-WrtcPeer).Count
        $closed = @($offerer, $answerer | Close-WrtcPeer -PassThru -Confirm:$false).Count
        "$($offerer.ConnectionState), received '$($got.Text)', $stats stats, $listed listed, $closed closed"
    }
    finally {
        $server | Stop-WrtcSignalingServer -Confirm:$false
    }
}

# BouncyCastle's DTLS (the engine's own is the default and loads no BouncyCastle): the module's
# copy must load in its own context, beside any other module's.
Step BouncyCastleDtls {
    $env:WRTC_DTLS = 'bc'
    try {
        $r = Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 30
        if (-not $r.Success) { throw "Test-WrtcConnection with BouncyCastle's DTLS failed: $($r.Error)" }
        "$($r.SelectedPairType) $($r.Protocol)"
    }
    finally { $env:WRTC_DTLS = $null }
}

$result.BouncyCastle = Get-LoadedAssembly 'BouncyCastle.Cryptography'
$result.LoggingAbstractions = Get-LoadedAssembly 'Microsoft.Extensions.Logging.Abstractions'
$result.Kestrel = Get-LoadedAssembly 'Microsoft.AspNetCore.Server.Kestrel.Core'
# Which folder the engine came from: Dependencies/<rid> when the module has ReadyToRun images for this platform.
$result.EngineFrom = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'WebRtcPS.Engine' } | ForEach-Object { Split-Path $_.Location })
'RESULT:' + ($result | ConvertTo-Json -Compress -Depth 5)
