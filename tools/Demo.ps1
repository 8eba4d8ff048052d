<#
.SYNOPSIS
    The main job: a signaling server, an answerer and an offerer on this machine, as the original
    tool runs them, with every ICE candidate, state change, the selected pair and both greetings.

.NOTES
    The answerer runs in its own runspace (as it would in its own process or on another host) and
    the offerer here; both reach the server over HTTP on loopback, and the peers connect over
    loopback only.
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
Write-Host "Signaling server listening on $($server.Url)" -ForegroundColor Cyan
$answerer = [PowerShell]::Create()
try {
    # The answerer starts first and waits for the offer, as in the original.
    $null = $answerer.AddScript("Import-Module '$ModulePath'; Connect-WrtcPeer -Role Answerer -SignalingUri '$($server.Url)' -Interface 127.0.0.1 -TimeoutSec 60")
    $in = [System.Management.Automation.PSDataCollection[psobject]]::new(); $in.Complete()
    $answererOutput = [System.Management.Automation.PSDataCollection[psobject]]::new()
    $handle = $answerer.BeginInvoke($in, $answererOutput)

    Write-Host "`n== offer-peer-1 (offerer): Connect-WrtcPeer -Role Offerer -SignalingUri $($server.Url)" -ForegroundColor Cyan
    Connect-WrtcPeer -Role Offerer -SignalingUri $server.Url -Interface 127.0.0.1 -TimeoutSec 60 | Out-String -Width 200 | Write-Host

    if (-not $handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60))) { throw 'the answerer did not finish' }
    $null = $answerer.EndInvoke($handle)
    Write-Host "`n== answer-peer-1 (answerer): Connect-WrtcPeer -Role Answerer -SignalingUri $($server.Url)" -ForegroundColor Cyan
    $answererOutput | Out-String -Width 200 | Write-Host
    foreach ($e in $answerer.Streams.Error) { Write-Host "answerer error: $e" -ForegroundColor Red }

    Write-Host "`n== The server routed:" -ForegroundColor Cyan
    Get-WrtcSignalingServer | Out-String -Width 200 | Write-Host
}
finally {
    $answerer.Dispose()
    $server | Stop-WrtcSignalingServer -Confirm:$false
}
