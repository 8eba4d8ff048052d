# Start-WrtcSignalingServer on a public address: tokens, HTTPS, origins; the peer cmdlets' side.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force

    # Connect-WrtcPeer in its own runspace of this process (the other side of a test).
    function Start-PeerInRunspace([string] $Arguments, [securestring] $Token) {
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript("param(`$t) Import-Module '$(Get-WrtcTestModulePath)'; Connect-WrtcPeer $Arguments -SignalingToken `$t").AddArgument($Token)
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }

    function Wait-PeerInRunspace($Run, [int] $TimeoutSec = 60) {
        if (-not $Run.Handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($TimeoutSec))) { $Run.PowerShell.Stop(); throw 'the other peer did not finish' }
        $out = $Run.PowerShell.EndInvoke($Run.Handle)
        $errors = @($Run.PowerShell.Streams.Error)
        $Run.PowerShell.Dispose()
        if ($errors.Count) { throw "the other peer failed: $($errors[0])" }
        return $out
    }

    function New-PeerIds { $tag = [guid]::NewGuid().ToString('N').Substring(0, 8); @{ Offer = "o-$tag"; Answer = "a-$tag" } }
}

AfterAll {
    Close-WrtcPeer -All -Confirm:$false
}

Describe 'Start-WrtcSignalingServer -SelfSigned -AccessToken' -Tag 'CI' {
    BeforeAll {
        $token = ConvertTo-SecureString 'pester-token-0123456789' -AsPlainText -Force
        $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1 -SelfSigned -AccessToken $token -InformationVariable info -Verbose 4>&1 |
            Where-Object { $_ -is [WebRtcPS.SignalingServerInfo] }
    }
    AfterAll {
        $server | Stop-WrtcSignalingServer -Confirm:$false
    }

    It 'serves HTTPS and prints the certificate fingerprint' {
        $server.Url | Should -Be "https://127.0.0.1:$($server.Port)/"
        $server.Authentication | Should -Be 'AccessToken'
        $server.CertificateThumbprint | Should -Match '^[0-9A-F]{64}$'
        ($info | Out-String) | Should -Match $server.CertificateThumbprint
    }

    It 'refuses a request without the token with a JSON 401' {
        $response = Invoke-WebRequest "$($server.Url)health" -SkipCertificateCheck -SkipHttpErrorCheck
        $response.StatusCode | Should -Be 401
        ($response.Content | ConvertFrom-Json).error | Should -Match 'Authorization: Bearer'
        (Invoke-RestMethod "$($server.Url)health" -SkipCertificateCheck -Authentication Bearer -Token $token).status | Should -Be 'ok'
    }

    It 'connects two peers that send the token and pin the certificate' {
        $ids = New-PeerIds
        $common = "-SignalingUri $($server.Url) -Interface 127.0.0.1 -SignalingCertificateThumbprint $($server.CertificateThumbprint)"
        $answerer = Start-PeerInRunspace "-Role Answerer -Id $($ids.Answer) -RemoteId $($ids.Offer) $common" $token
        $events = Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 `
            -SignalingToken $token -SignalingCertificateThumbprint $server.CertificateThumbprint
        $null = Wait-PeerInRunspace $answerer
        ($events | Where-Object { $_ -is [WebRtcPS.WrtcMessage] -and $_.Direction -eq 'Received' }).Text | Should -Be 'Hello from the Answerer!'
    }

    It 'fails a peer without the token, saying the server wants one' {
        $ids = New-PeerIds
        { Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -TimeoutSec 10 `
            -SignalingCertificateThumbprint $server.CertificateThumbprint -ErrorAction Stop } | Should -Throw '*401*'
    }

    It 'fails a peer that does not trust the certificate' {
        $ids = New-PeerIds
        { Connect-WrtcPeer -Role Offerer -Id $ids.Offer -RemoteId $ids.Answer -SignalingUri $server.Url -Interface 127.0.0.1 -TimeoutSec 10 `
            -SignalingToken $token -ErrorAction Stop } | Should -Throw
    }

    It 'rejects a malformed thumbprint up front' {
        { New-WrtcPeer -SignalingUri $server.Url -SignalingCertificateThumbprint 'not-hex' } |
            Should -Throw -ErrorId 'InvalidSignalingClientOption,WebRtcPS.Commands.Peers.NewWrtcPeerCommand'
    }
}

Describe 'Start-WrtcSignalingServer -IdToken -AllowedOrigin' -Tag 'CI' {
    BeforeAll {
        $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1 -IdToken @{ alice = 'alice-token-1'; bob = (ConvertTo-SecureString 'bob-token-2' -AsPlainText -Force) } `
            -AllowedOrigin https://good.example -MaxIds 100 -RequestsPerSecond 50
    }
    AfterAll {
        $server | Stop-WrtcSignalingServer -Confirm:$false
    }

    It 'lets a token act only as its ids' {
        $server.Authentication | Should -Be 'IdTokens'
        $send = @{ Uri = "$($server.Url)send"; Method = 'Post'; ContentType = 'application/json'; SkipHttpErrorCheck = $true }
        $forged = Invoke-WebRequest @send -Body '{"type":"offer","from":"bob","to":"alice","content":"x"}' -Headers @{ Authorization = 'Bearer alice-token-1' }
        $forged.StatusCode | Should -Be 403
        ($forged.Content | ConvertFrom-Json).field | Should -Be 'from'
        $ok = Invoke-WebRequest @send -Body '{"type":"offer","from":"alice","to":"bob","content":"x"}' -Headers @{ Authorization = 'Bearer alice-token-1' }
        $ok.StatusCode | Should -Be 200
    }

    It 'refuses an origin that is not listed' {
        $r = Invoke-WebRequest "$($server.Url)send" -Method Post -ContentType 'application/json' -SkipHttpErrorCheck `
            -Body '{"type":"offer","from":"alice","to":"bob","content":"x"}' -Headers @{ Authorization = 'Bearer alice-token-1'; Origin = 'https://evil.example' }
        $r.StatusCode | Should -Be 403
        ($r.Content | ConvertFrom-Json).field | Should -Be 'origin'
    }

    It 'names a bad option' {
        { Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1 -IdToken @{ 'bad id' = 'x' } } |
            Should -Throw -ErrorId 'InvalidSignalingServerOption,WebRtcPS.Commands.Signaling.StartWrtcSignalingServerCommand'
        { Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1 -SelfSigned -CertificatePath x.pfx } |
            Should -Throw -ErrorId 'CertificateConflict,WebRtcPS.Commands.Signaling.StartWrtcSignalingServerCommand'
    }
}
