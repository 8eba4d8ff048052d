# Help that cannot rot (issue 13): every example of docs/cmdlets/*.md and of the about topic runs
# here, against a loopback signaling server started for it and the test's coturn, and must
# succeed; a page without a runnable example fails. Examples written for two hosts ("# On host
# B:" ... "# On host A:") run their first host in the background; an example that connects one
# peer gets the other side started for it; $peer, where an example uses it without making it, is
# a connected offerer whose answerer sends 100 messages and echoes what it receives. Sleeps are
# shortened and Start-WrtcSignalingServer -Wait runs without -Wait (the test is its Ctrl+C).
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'HelpExamples.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Coturn.psm1') -Force
    $coturn = Test-CoturnAvailable
    # about_WebRtcPS_Troubleshooting's blocks are transcripts from the NAT lab (made there by
    # tests/lab/Show-NatScenarios.ps1), lab addresses and outputs: they cannot run on loopback.
    $pageFiles = Get-ChildItem (Join-Path $PSScriptRoot '../../docs/cmdlets') -Filter *.md |
        Where-Object BaseName -NE 'about_WebRtcPS_Troubleshooting' | Sort-Object Name
    $helpPages = foreach ($file in $pageFiles) {
        $found = @(Get-HelpExample $file.FullName)
        @{ Page = $file.BaseName; Examples = $found; ExampleCount = $found.Count }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'HelpExamples.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Coturn.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
    if (-not (Test-CoturnAvailable) -and (Test-WrtcInteropRequired)) { throw 'coturn (turnserver) is required in CI (WRTC_REQUIRE_INTEROP=1) but is not installed' }
    if (Test-CoturnAvailable) { $turn = Start-TestTurnServer; $stun = Start-TestStunServer }
    $modulePath = (Resolve-Path (Get-WrtcTestModulePath)).Path
    $pesterPath = (Get-Module Pester).Path

    # What every runspace of an example starts with: the module, Pester, loopback defaults.
    function Get-Prelude([string] $Directory) {
        @"
Import-Module '$modulePath'
Import-Module '$pesterPath'
`$global:TestTurnCredential = [pscredential]::new('alice', (ConvertTo-SecureString 'secret' -AsPlainText -Force))
`$global:cred = `$TestTurnCredential
`$global:PSDefaultParameterValues = @{
    'New-WrtcPeer:Interface' = '127.0.0.1'
    'Test-WrtcConnection:Interface' = '127.0.0.1'; 'Get-WrtcIceCandidate:Interface' = '127.0.0.1'
    'Start-WrtcSignalingServer:ListenAddress' = '127.0.0.1'
    'New-WrtcPeer:SkipCertificateCheck' = `$true; 'Test-WrtcConnection:SkipCertificateCheck' = `$true
    'Get-WrtcIceCandidate:SkipCertificateCheck' = `$true; 'Test-WrtcIceServer:SkipCertificateCheck' = `$true
    '*-Wrtc*:WarningAction' = 'SilentlyContinue'
}
Set-Location '$Directory'
"@
    }

    function Start-ExampleRunspace([string] $Script) {
        $ps = [PowerShell]::Create()
        $null = $ps.AddScript($Script)
        $in = [Management.Automation.PSDataCollection[psobject]]::new(); $in.Complete()
        $out = [Management.Automation.PSDataCollection[psobject]]::new()
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke($in, $out); Output = $out }
    }

    # Ctrl+C for a runspace; one that does not stop within 15 s is left, not waited for.
    function Stop-ExampleRunspace($Run) {
        if (-not $Run.Handle.IsCompleted) {
            $stopping = $Run.PowerShell.BeginStop($null, $null)
            if (-not $stopping.AsyncWaitHandle.WaitOne(15000)) { Write-Warning 'an example runspace did not stop within 15 s'; return }
        }
        $Run.PowerShell.Dispose()
    }

    # The other side of a one-peer example: connects, optionally sends 100 messages, echoes.
    function Get-CounterpartScript($Peer, [string] $Url, [switch] $Send) {
        $role = if ($Peer.Role -eq 'Offerer') { 'Answerer' } else { 'Offerer' }
        $greeting = if ($Peer.NoGreeting) { '-NoGreeting' } else { '' }
        @"
`$p = Connect-WrtcPeer -Interface 127.0.0.1 -Role $role -Id $($Peer.RemoteId) -RemoteId $($Peer.Id) -SignalingUri $Url -TimeoutSec 120 -PassThru $greeting | Where-Object { `$_ -is [WebRtcPS.WrtcPeer] }
$(if ($Send) { '1..100 | ForEach-Object { "message $_" } | Send-WrtcMessage -Peer $p' })
while (`$true) { `$m = Receive-WrtcMessage `$p -TimeoutSec 300 -ErrorAction SilentlyContinue; if (`$m -and `$m.Text) { Send-WrtcMessage `$p `$m.Text } }
"@
    }

    # Runs one example; returns $null on success, else what went wrong.
    function Invoke-HelpExample([string] $Code) {
        $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1 -Confirm:$false
        $url = $server.Url.TrimEnd('/')
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $dir
        'line one', 'line two', 'line three' | Set-Content (Join-Path $dir 'probe-lines.txt')
        $prelude = Get-Prelude $dir
        $code = ConvertTo-TestExample $Code $url $server.Port $stun.Port $turn.Port $turn.TlsPort
        $background = [Collections.Generic.List[object]]::new()
        try {
            $parts = @(Split-HostPart $code)
            foreach ($part in $parts | Select-Object -SkipLast 1) { $background.Add((Start-ExampleRunspace ($prelude + "`n" + $part))) }
            $foreground = $parts[-1]
            $setup = ''
            if ($parts.Count -eq 1 -and $foreground -match '\$peer\b' -and $foreground -notmatch '\$peer\s*=') {
                $peerSpec = @{ Role = 'Offerer'; Id = 'example-o'; RemoteId = 'example-a'; NoGreeting = $true }
                $background.Add((Start-ExampleRunspace ($prelude + "`n" + (Get-CounterpartScript $peerSpec $url -Send))))
                $setup = "`$peer = Connect-WrtcPeer -Interface 127.0.0.1 -Role Offerer -Id example-o -RemoteId example-a -SignalingUri $url -NoGreeting -PassThru -ErrorAction Stop | Where-Object { `$_ -is [WebRtcPS.WrtcPeer] }`n" +
                    "`$deadline = [DateTime]::UtcNow.AddSeconds(20); while (`$peer.PendingMessages -lt 100 -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 50 }`n"
            }
            elseif ($parts.Count -eq 1 -and ($spec = Get-ExamplePeer $foreground)) {
                $background.Add((Start-ExampleRunspace ($prelude + "`n" + (Get-CounterpartScript $spec $url))))
            }
            if ($foreground -match '(?m)^\s*(Describe|BeforeAll|AfterAll)\b') {
                $block = $foreground.Replace("'", "''")
                $foreground = "`$r = Invoke-Pester -Container (New-PesterContainer -ScriptBlock ([scriptblock]::Create('$block'))) -PassThru -Output None`n" +
                    "if (`$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount) { throw 'the example''s tests failed: ' + (`$r.Failed | ForEach-Object { `$_.ErrorRecord } | Out-String) }"
            }
            $run = Start-ExampleRunspace ($prelude + "`n" + $setup + $foreground)
            $finished = $run.Handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(150))
            try {
                if (-not $finished) { return "did not finish within 150 s:`n$code" }
                try { $null = $run.PowerShell.EndInvoke($run.Handle) }
                catch { return "threw: $($_.Exception.InnerException ?? $_.Exception)`n$code" }
                $errors = @($run.PowerShell.Streams.Error)
                if ($errors.Count) { return "wrote errors: $($errors -join '; ')`n$code" }
                return $null
            }
            finally { Stop-ExampleRunspace $run }
        }
        finally {
            foreach ($b in $background) { Stop-ExampleRunspace $b }
            Close-WrtcPeer -All -Confirm:$false
            Stop-WrtcSignalingServer -All -Confirm:$false
        }
    }
}

AfterAll {
    if ($turn) { Stop-TestTurnServer $turn }
    if ($stun) { Stop-TestStunServer $stun }
}

Describe 'The examples of <Page>' -Tag 'CI', 'Interop', 'Help' -ForEach $helpPages {
    It 'has at least one runnable example' {
        $ExampleCount | Should -BeGreaterThan 0 -Because "every help page shows how to use it"
    }

    It '<Title> runs and succeeds' -Skip:(-not $coturn) -ForEach $Examples {
        Invoke-HelpExample $Code | Should -BeNullOrEmpty
    }
}

Describe 'The examples folder' -Tag 'CI', 'Interop', 'Help' {
    BeforeAll {
        $examples = Join-Path $PSScriptRoot '../../examples'
    }

    It 'TwoHostRunbook.md: server, answerer and offerer, step by step' -Skip:(-not $coturn) {
        $blocks = [regex]::Matches((Get-Content -Raw (Join-Path $examples 'TwoHostRunbook.md')), '(?ms)^```powershell\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value }
        $blocks.Count | Should -BeGreaterOrEqual 5
        # First, Second and Third run as the README runs them: the server, then the answerer, in
        # the background, the offerer in the foreground.
        Invoke-HelpExample ("# On host S:`n$($blocks[0])`n# On host B:`n$($blocks[1])`n# On host A:`n$($blocks[2])") | Should -BeNullOrEmpty
        foreach ($block in $blocks | Select-Object -Skip 3) { Invoke-HelpExample $block | Should -BeNullOrEmpty }
    }

    It 'Export-CandidateCsv.ps1: candidates from both sides, merged into one timeline' {
        $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
        $script = (Resolve-Path (Join-Path $examples 'Export-CandidateCsv.ps1')).Path
        $b = Join-Path $TestDrive 'b.csv'; $a = Join-Path $TestDrive 'a.csv'; $both = Join-Path $TestDrive 'both.csv'
        $answerer = Start-ExampleRunspace "Import-Module '$modulePath'; & '$script' -Role Answerer -SignalingUri $($server.Url) -Interface 127.0.0.1 -Path '$b'"
        try {
            & $script -Role Offerer -SignalingUri $server.Url -Interface 127.0.0.1 -Path $a
            $answerer.Handle.AsyncWaitHandle.WaitOne(60000) | Should -BeTrue
            $answerer.PowerShell.Streams.Error | Should -BeNullOrEmpty
        }
        finally {
            Stop-ExampleRunspace $answerer
            $server | Stop-WrtcSignalingServer -Confirm:$false
        }
        & $script -Merge $a, $b -Path $both
        $rows = Import-Csv $both
        $rows.PeerId | Sort-Object -Unique | Should -Be @('answer-peer-1', 'offer-peer-1')
        foreach ($peer in 'answer-peer-1', 'offer-peer-1') {
            $mine = $rows | Where-Object PeerId -eq $peer
            $mine.Direction | Should -Contain 'Local'
            $mine.Direction | Should -Contain 'Remote'
            $mine.Direction | Should -Contain 'Selected'
        }
        $times = $rows | ForEach-Object { [DateTimeOffset]::Parse($_.TimestampIso) }
        $times | Should -Be ($times | Sort-Object)
    }

    It 'Connectivity.Tests.ps1: the CI suite passes against this test''s coturn and an answerer' -Skip:(-not $coturn) {
        $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
        $answerer = Start-ExampleRunspace ("Import-Module '$modulePath'; while (`$true) { Connect-WrtcPeer -Role Answerer -SignalingUri $($server.Url) -Interface 127.0.0.1 -TimeoutSec 120 | Out-Null }")
        $settings = @{
            WRTC_STUN_URLS = "stun:127.0.0.1:$($turn.Port)"
            WRTC_TURN_URLS = "turn:127.0.0.1:$($turn.Port)?transport=udp,turn:127.0.0.1:$($turn.Port)?transport=tcp,turns:127.0.0.1:$($turn.TlsPort)"
            WRTC_TURN_USERNAME = 'alice'; WRTC_TURN_PASSWORD = 'secret'
            WRTC_SIGNALING_URI = $server.Url; WRTC_INTERFACE = '127.0.0.1'; WRTC_SKIP_CERTIFICATE_CHECK = '1'
        }
        foreach ($k in $settings.Keys) { Set-Item "env:$k" $settings[$k] }
        $suite = (Resolve-Path (Join-Path $examples 'Connectivity.Tests.ps1')).Path
        $run = Start-ExampleRunspace ("Import-Module '$modulePath'; Import-Module '$pesterPath'; " +
            "`$r = Invoke-Pester -Path '$suite' -PassThru -Output None; [pscustomobject]@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount; Errors = (`$r.Failed | ForEach-Object { `$_.ExpandedName + ': ' + `$_.ErrorRecord } | Out-String) }")
        try {
            $run.Handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(300)) | Should -BeTrue
            $null = $run.PowerShell.EndInvoke($run.Handle)
            $result = $run.Output | Select-Object -Last 1
        }
        finally {
            Stop-ExampleRunspace $run
            Stop-ExampleRunspace $answerer
            foreach ($k in $settings.Keys) { Remove-Item "env:$k" -ErrorAction SilentlyContinue }
            Close-WrtcPeer -All -Confirm:$false
            $server | Stop-WrtcSignalingServer -Confirm:$false
        }
        $result.Failed | Should -Be 0 -Because $result.Errors
        $result.Passed | Should -BeGreaterOrEqual 7
        $result.Skipped | Should -Be 0
    }
}
