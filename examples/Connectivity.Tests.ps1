#Requires -Modules WebRtcPS
<#
.SYNOPSIS
    A WebRTC connectivity suite to drop into CI: your STUN and TURN servers answer, a relay-only
    connection works through TURN, and (optionally) this host connects to a peer elsewhere.

.DESCRIPTION
    Configure it with environment variables (CI secrets for the TURN credential):

      WRTC_STUN_URLS       stun: URLs, comma-separated            e.g. stun:stun.example.net:3478
      WRTC_TURN_URLS       turn:/turns: URLs, comma-separated     e.g. turn:turn.example.net:3478?transport=udp,turns:turn.example.net:443
      WRTC_TURN_USERNAME   the TURN user name
      WRTC_TURN_PASSWORD   the TURN password
      WRTC_SIGNALING_URI   a signaling server with an answerer waiting (Connect-WrtcPeer -Role
                           Answerer on the other host); the Peer tests skip without it
      WRTC_INTERFACE       gather on this interface or address only (optional)
      WRTC_SKIP_CERTIFICATE_CHECK  1 for a turns: server with a self-signed certificate

    Run:  Invoke-Pester ./Connectivity.Tests.ps1 -Tag Turn       (servers and the relay path)
          Invoke-Pester ./Connectivity.Tests.ps1 -Tag Peer       (the path to the other host)
#>
BeforeDiscovery {
    $stunUrls = @(($env:WRTC_STUN_URLS -split ',') | Where-Object { $_ } | ForEach-Object Trim)
    $turnUrls = @(($env:WRTC_TURN_URLS -split ',') | Where-Object { $_ } | ForEach-Object Trim)
    $hasRemote = [bool] $env:WRTC_SIGNALING_URI
}

BeforeAll {
    $turnUrls = @(($env:WRTC_TURN_URLS -split ',') | Where-Object { $_ } | ForEach-Object Trim)
    $credential = if ($env:WRTC_TURN_USERNAME) {
        [pscredential]::new($env:WRTC_TURN_USERNAME, (ConvertTo-SecureString $env:WRTC_TURN_PASSWORD -AsPlainText -Force))
    }
    # Parameters every check shares; -Interface and -SkipCertificateCheck only when configured.
    $common = @{}
    if ($env:WRTC_INTERFACE) { $common.Interface = $env:WRTC_INTERFACE }
    if ($env:WRTC_SKIP_CERTIFICATE_CHECK -eq '1') { $common.SkipCertificateCheck = $true }
}

AfterAll {
    Get-WrtcPeer | Close-WrtcPeer -Confirm:$false
}

Describe 'STUN servers' -Tag 'Turn', 'Stun' {
    It '<_> maps this host' -ForEach $stunUrls {
        $r = Test-WrtcIceServer -Uri $_ -SkipCertificateCheck:($common.SkipCertificateCheck -eq $true)
        $r.Ok | Should -BeTrue -Because "$($r.Verdict): $($r.Error)"
        $r.MappedAddress | Should -Not -BeNullOrEmpty
    }
}

Describe 'TURN servers' -Tag 'Turn' {
    It '<_> allocates a relay' -ForEach $turnUrls {
        $r = Test-WrtcIceServer -Uri $_ -Credential $credential -SkipCertificateCheck:($common.SkipCertificateCheck -eq $true) -WarningAction SilentlyContinue
        $r.Verdict | Should -Be 'OK' -Because $r.Error
        $r.Authenticated | Should -BeTrue
        $r.RelayedAddress | Should -Not -BeNullOrEmpty
    }

    It 'connects two peers through TURN only (relay candidates)' -Skip:($turnUrls.Count -eq 0) {
        $r = Test-WrtcConnection -IceServer $turnUrls -Credential $credential -RelayOnly -TimeoutSec 60 @common -WarningAction SilentlyContinue
        $r.Success | Should -BeTrue -Because "$($r.Error) $($r.Diagnostics)"
        $r.SelectedPairType | Should -Be 'relay'
    }
}

Describe 'The path to the other host' -Tag 'Peer' {
    It 'connects to the answerer through the signaling server' -Skip:(-not $hasRemote) {
        $servers = @($env:WRTC_STUN_URLS -split ',' | Where-Object { $_ })
        $iceArgs = if ($servers) { @{ IceServer = $servers } } else { @{} }
        $r = Test-WrtcConnection -SignalingUri $env:WRTC_SIGNALING_URI -TimeoutSec 60 @iceArgs @common
        $r.Success | Should -BeTrue -Because "$($r.Error) $($r.Diagnostics)"
        $r.SelectedPairType | Should -Not -BeNullOrEmpty
    }

    It 'connects two peers on this host (the stack itself works)' {
        $local = @{ Interface = if ($common.Interface) { $common.Interface } else { '127.0.0.1' } }
        (Test-WrtcConnection -TimeoutSec 60 @local).Success | Should -BeTrue
    }
}
