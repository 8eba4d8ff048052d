<#
.SYNOPSIS
    The main job, as far as the module goes today: a signaling server on this machine, shown serving
    two peers that exchange the original tool's offer/answer/candidate messages.

.NOTES
    The peers here are signaling clients only. When the peer cmdlets land (RTCPeerConnection issue),
    this demo becomes the full one: server, answerer and offerer on this machine, ICE candidates,
    state changes, the selected pair and both greetings.
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1 -HeartbeatIntervalSec 1
Write-Host "Signaling server listening on $($server.Url)" -ForegroundColor Cyan
try {
    $answerer = [WebRtcPS.Engine.Signaling.SignalingClient]::new([Uri] $server.Url, 'answer-peer-1')
    $offerer = [WebRtcPS.Engine.Signaling.SignalingClient]::new([Uri] $server.Url, 'offer-peer-1')

    # The answerer connects first and waits, as in the original.
    $cts = [Threading.CancellationTokenSource]::new([TimeSpan]::FromSeconds(20))
    $inbox = $answerer.ReceiveAsync($cts.Token).GetAsyncEnumerator($cts.Token)

    $null = $offerer.SendAsync('answer-peer-1', 'offer', "v=0`r`n(an SDP offer)`r`n").GetAwaiter().GetResult()
    $null = $offerer.SendAsync('answer-peer-1', 'candidate', 'candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host').GetAwaiter().GetResult()

    for ($i = 0; $i -lt 2; $i++) {
        if (-not $inbox.MoveNextAsync().AsTask().GetAwaiter().GetResult()) { throw 'signaling stream ended early' }
        $m = $inbox.Current
        Write-Host ("answer-peer-1 received {0,-9} from {1}: {2}" -f $m.Type, $m.From, ($m.Content -replace '\r?\n', ' ').Trim())
    }
    $null = $answerer.SendAsync('offer-peer-1', 'answer', "v=0`r`n(an SDP answer)`r`n").GetAwaiter().GetResult()
    Write-Host 'answer-peer-1 sent its answer to offer-peer-1 (queued until offer-peer-1 reads /receive)'

    Get-WrtcSignalingServer | Format-Table | Out-Host
    Invoke-RestMethod "$($server.Url)health" | ConvertTo-Json -Depth 4 | Out-Host
    Write-Host 'Peer connections (ICE, DTLS, SCTP, data channel) arrive with the peer cmdlets; see README.' -ForegroundColor Yellow
}
finally {
    $cts.Cancel()
    $server | Stop-WrtcSignalingServer -Confirm:$false
}
