BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
}

AfterAll {
    Get-WrtcSignalingServer | Stop-WrtcSignalingServer -Confirm:$false
}

Describe 'Start-WrtcSignalingServer' -Tag 'CI' {
    BeforeAll {
        $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
    }
    AfterAll {
        $server | Stop-WrtcSignalingServer -Confirm:$false
    }

    It 'returns a running server on the port it bound' {
        $server.PSObject.TypeNames[0] | Should -Be 'WebRtcPS.SignalingServerInfo'
        $server.IsRunning | Should -BeTrue
        $server.Port | Should -BeGreaterThan 0
        $server.Url | Should -Be "http://127.0.0.1:$($server.Port)/"
        $server.ListenAddress | Should -Be '127.0.0.1'
    }

    It 'serves /health' {
        $health = Invoke-RestMethod "$($server.Url)health"
        $health.status | Should -Be 'ok'
    }

    It 'serves the browser peer page and names it' {
        $server.PageUrl | Should -Be "http://127.0.0.1:$($server.Port)/peer"
        $page = Invoke-WebRequest "$($server.PageUrl)?role=answerer"
        $page.StatusCode | Should -Be 200
        $page.Content | Should -Match '<script src="peer.js"></script>'
        (Invoke-WebRequest "$($server.Url)peer.js").Content | Should -Match 'RTCPeerConnection'
    }

    It 'limits CORS to the origins given with -AllowedOrigin (alias -CorsOrigin)' {
        $only = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1 -AllowedOrigin 'https://tests.example.net'
        try {
            $allowed = Invoke-WebRequest -Method Options -Uri "$($only.Url)send" -Headers @{ Origin = 'https://tests.example.net' }
            $allowed.Headers['Access-Control-Allow-Origin'] | Should -Be 'https://tests.example.net'
            $other = Invoke-WebRequest -Method Options -Uri "$($only.Url)send" -Headers @{ Origin = 'https://elsewhere.example.net' } -SkipHttpErrorCheck
            $other.Headers['Access-Control-Allow-Origin'] | Should -BeNullOrEmpty
            $other.StatusCode | Should -Be 403
        }
        finally {
            $only | Stop-WrtcSignalingServer -Confirm:$false
        }
        { Start-WrtcSignalingServer -Port 0 -CorsOrigin 'not an origin' } | Should -Throw -ErrorId 'InvalidSignalingServerOption,WebRtcPS.Commands.Signaling.StartWrtcSignalingServerCommand'
    }

    It 'relays a message queued for a peer that is not connected yet' {
        $body = @{ type = 'offer'; content = 'v=0'; to = 'answer-peer-1'; from = 'offer-peer-1' } | ConvertTo-Json
        (Invoke-RestMethod -Method Post -Uri "$($server.Url)send" -Body $body -ContentType 'application/json').status | Should -Be 'ok'
        $info = Get-WrtcSignalingServer -Port $server.Port
        $info.QueuedMessages | Should -Be 1
        $info.MessagesAccepted | Should -Be 1
    }

    It 'answers a malformed message with 400 naming the field' {
        $response = Invoke-WebRequest -Method Post -Uri "$($server.Url)send" -Body '{"type":"offer"}' -SkipHttpErrorCheck
        $response.StatusCode | Should -Be 400
        ($response.Content | ConvertFrom-Json).field | Should -Be 'to'
    }

    It 'refuses a port that is taken with a clear error' {
        { Start-WrtcSignalingServer -Port $server.Port -ListenAddress 127.0.0.1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SignalingServerBindFailed,WebRtcPS.Commands.Signaling.StartWrtcSignalingServerCommand'
    }

    It 'refuses a listen address that is not an IP address' {
        { Start-WrtcSignalingServer -Port 0 -ListenAddress 'not-an-ip' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidListenAddress,WebRtcPS.Commands.Signaling.StartWrtcSignalingServerCommand'
    }

    It 'validates the port range' {
        { Start-WrtcSignalingServer -Port 70000 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,WebRtcPS.Commands.Signaling.StartWrtcSignalingServerCommand'
    }

    It 'writes the routing log to the verbose stream with -Wait, and stops on Ctrl+C' {
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Get-WrtcTestModulePath)'; Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1 -Wait -Verbose")
            $in = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $in.Complete()
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $null = $ps.BeginInvoke($in, $output)
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($output.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $waiting = $output[0]
            $waiting.IsRunning | Should -BeTrue

            $body = @{ type = 'candidate'; content = 'candidate:1 1 udp 1 127.0.0.1 9 typ host'; to = 'b'; from = 'a' } | ConvertTo-Json
            $null = Invoke-RestMethod -Method Post -Uri "$($waiting.Url)send" -Body $body -ContentType 'application/json'
            while (-not ($ps.Streams.Verbose.Message -match "Routed candidate from 'a' to 'b'") -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 50
            }
            @($ps.Streams.Verbose.Message -match "Routed candidate from 'a' to 'b' \(\d+ bytes\)").Count | Should -Be 1

            $ps.Stop()  # what Ctrl+C does
            { Invoke-RestMethod "$($waiting.Url)health" -TimeoutSec 5 } | Should -Throw
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Get-WrtcSignalingServer and Stop-WrtcSignalingServer' -Tag 'CI' {
    It 'lists the servers of the session and stops them by port, object and -All' {
        $a = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
        $b = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
        $c = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
        (Get-WrtcSignalingServer).Port | Should -Contain $a.Port
        (Get-WrtcSignalingServer -Port $b.Port).Url | Should -Be $b.Url

        $stopped = Stop-WrtcSignalingServer -Port $a.Port -PassThru -Confirm:$false
        $stopped.IsRunning | Should -BeFalse
        (Get-WrtcSignalingServer).Port | Should -Not -Contain $a.Port

        $b | Stop-WrtcSignalingServer -Confirm:$false
        (Get-WrtcSignalingServer).Port | Should -Not -Contain $b.Port

        Stop-WrtcSignalingServer -All -WhatIf
        (Get-WrtcSignalingServer).Port | Should -Contain $c.Port
        Stop-WrtcSignalingServer -All -Confirm:$false
        @(Get-WrtcSignalingServer).Count | Should -Be 0
    }

    It 'reports an unknown port as a non-terminating error' {
        Get-WrtcSignalingServer -Port 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'SignalingServerNotFound,WebRtcPS.Commands.Signaling.GetWrtcSignalingServerCommand'
        Stop-WrtcSignalingServer -Port 1 -ErrorVariable err2 -ErrorAction SilentlyContinue -Confirm:$false
        $err2[0].FullyQualifiedErrorId | Should -Be 'SignalingServerNotFound,WebRtcPS.Commands.Signaling.StopWrtcSignalingServerCommand'
    }
}
