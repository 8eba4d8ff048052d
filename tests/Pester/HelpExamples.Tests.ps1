# Help that cannot rot (issue 13): every example of docs/cmdlets/*.md and of the about topics runs
# here, against a loopback signaling server started for it and the test's coturn, and must
# succeed; a page without a runnable example fails. Examples written for several hosts ("# On
# host B:" ... "# On host A:") run their earlier hosts in the background; one that starts its own
# server on a fixed port gets it on a free port, and its peers use it ($fingerprint: the
# fingerprint its -SelfSigned certificate printed). A browser step ("# On machine B, open in any
# browser: .../peer?role=answerer") is stood in for by Connect-WrtcPeer in that role, after the
# page is fetched from that URL. An example that connects one peer gets the other side started
# for it; $peer, where an example uses it without making it, is a connected offerer whose
# answerer sends 100 messages and echoes what it receives. Sleeps are shortened,
# Start-WrtcSignalingServer -Wait runs without -Wait (the test is its Ctrl+C), and prompts
# (Get-Credential, Read-Host -AsSecureString) get the test's answers. The NAT-lab examples of
# about_WebRtcPS_Troubleshooting run in the lab, below.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'HelpExamples.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Coturn.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../lab/NatLab.psm1') -Force
    $coturn = Test-CoturnAvailable
    # Examples whose first line is "# In the lab: ..." (about_WebRtcPS_Troubleshooting) run in the
    # NAT lab, below; every other example runs here on loopback. No page and no example is left out.
    $pageFiles = Get-ChildItem (Join-Path $PSScriptRoot '../../docs/cmdlets') -Filter *.md | Sort-Object Name
    $helpPages = foreach ($file in $pageFiles) {
        $found = @(Get-HelpExample $file.FullName)
        @{
            Page = $file.BaseName; ExampleCount = $found.Count
            Examples = @($found | Where-Object { -not (Get-LabSetting $_.Code) })
            LabExamples = @($found | Where-Object { Get-LabSetting $_.Code })
        }
    }
    $labPages = @($helpPages | Where-Object { $_.LabExamples.Count })
    # The lab needs root (network namespaces): elsewhere its examples are skipped, and said so;
    # in CI (WRTC_REQUIRE_INTEROP=1) they fail instead.
    $labReason = Get-NatLabUnsupportedReason
    $skipLab = $labReason -and -not (Test-WrtcInteropRequired)
    if ($skipLab) {
        $count = ($labPages | ForEach-Object { $_.LabExamples.Count } | Measure-Object -Sum).Sum
        Write-Host "HelpExamples.Tests.ps1: the $count NAT-lab examples of $($labPages.Page -join ', ') are skipped: $labReason" -ForegroundColor Yellow
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
        # An example for several hosts that starts its own server on a fixed port: that server, on
        # a free port, is the one its peers use.
        $own = $null
        if (@(Split-HostPart $Code).Count -gt 1 -and $Code -match 'Start-WrtcSignalingServer[^\n]*-Port\s+([1-9]\d*)') {
            $own = @{ Port = [int] $Matches[1]; NewPort = Get-FreeTcpPort }
        }
        $code = ConvertTo-TestExample $Code $url $server.Port $stun.Port $turn.Port $turn.TlsPort -OwnServerPort $own
        $background = [Collections.Generic.List[object]]::new()
        try {
            $parts = @(Split-HostPart $code)
            foreach ($part in $parts | Select-Object -SkipLast 1) {
                if ($step = Get-BrowserStep $part) {
                    # The browser: stood in for by a WebRtcPS peer in the page's role, which speaks
                    # the page's protocol (the page itself runs in Chromium in
                    # tests/WebRtcPS.Engine.Tests/Browser); the page must be served at the URL.
                    $page = Invoke-WebRequest $step.Url -TimeoutSec 10
                    if ($page.StatusCode -ne 200 -or $page.Content -notmatch '<title>WebRtcPS peer</title>') { return "the browser's page $($step.Url) was not served:`n$code" }
                    $part = "Connect-WrtcPeer -Interface 127.0.0.1 -Role $($step.Role) -SignalingUri $($step.Base) -TimeoutSec 120 | Out-Null"
                }
                $background.Add((Start-ExampleRunspace ($prelude + "`n" + $part)))
                if ($own -and $part -match 'Start-WrtcSignalingServer') {
                    # The next host starts once this one listens; a pinned certificate's
                    # fingerprint is what this host printed, as $fingerprint.
                    $deadline = [DateTime]::UtcNow.AddSeconds(30)
                    while (-not ($started = Get-WrtcSignalingServer | Where-Object Port -EQ $own.NewPort) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                    if (-not $started) { return "its server did not start on port $($own.NewPort) within 30 s:`n$code" }
                    if ($started.CertificateThumbprint) { $prelude += "`n`$global:fingerprint = '$($started.CertificateThumbprint)'" }
                }
            }
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

# The NAT-lab examples: each runs as its first line says, in a fresh pwsh on site 1's host (as a
# user would type it there), with $cred the lab's TURN user; a connection check gets site 2's
# answerer (Connect-WrtcPeer, tests/lab/NatPeerRunner.ps1) with the same servers. The page's lab
# addresses become this lab's, and the peer ids get a suffix of their own per example (the
# signaling server is shared). What it prints must be what the page shows after it, and site 2's
# outcome what its "Site 2 (Connect-WrtcPeer):" line shows, compared as ConvertTo-CanonicalOutput
# says: addresses, candidate types, verdicts and likely causes; not ports, times or counts.
Describe 'The NAT-lab examples of <Page>' -Tag 'CI', 'Interop', 'Help', 'NatLab' -Skip:$skipLab -ForEach $labPages {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../lab/NatLab.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot '../lab/NatMatrix.psm1') -Force
        $reason = Get-NatLabUnsupportedReason
        if ($reason) { throw "the NAT lab is required here (WRTC_REQUIRE_INTEROP=1): $reason" }
        $Lab = New-NatLab
        $null = Start-NatMatrixSignaling -Lab $Lab -ModulePath $modulePath
        $Site2 = Start-NatMatrixRunner -Lab $Lab -Namespace $Lab.Namespaces.Host2 -Name site2 -ModulePath $modulePath
        $AddressMap = Get-LabAddressMap $Lab
        $Pwsh = Get-NatMatrixPwsh
        # Off the clock of the first example, as NatPeerRunner.ps1 warms itself: one connection
        # across the lab loads the signaling server's and the answerer's paths (a cold first
        # check on a loaded machine can outlast ICE's 10 s).
        $warm = Get-LabCounterpartJob "Test-WrtcConnection -SignalingUri http://$($Lab.ServerA):$($Lab.SignalingPort) -Id warm-o -RemoteId warm-a" $Lab
        Send-NatMatrixLine $Site2 (@{ batch = 'warm'; jobs = @($warm) } | ConvertTo-Json -Compress -Depth 6)
        $null = Wait-NatMatrixBatch $Site2 'warm' -Event started
        $p = Start-NatLabProcess -Lab $Lab -Namespace $Lab.Namespaces.Host1 -- @Pwsh -NoProfile -NonInteractive -Command `
            "Import-Module '$modulePath'; `$null = Test-WrtcConnection -SignalingUri http://$($Lab.ServerA):$($Lab.SignalingPort) -Id warm-o -RemoteId warm-a -TimeoutSec 60"
        $null = $p.Process.WaitForExit(120000)
        $null = Wait-NatMatrixBatch $Site2 'warm' -TimeoutSec 120
    }
    AfterAll {
        if ($Lab) {
            $Site2 | Stop-NatMatrixRunner
            Remove-NatLab $Lab
        }
    }

    It '<Title>' -ForEach $LabExamples {
        $setting = Get-LabSetting $Code
        Set-NatLabNat -Lab $Lab -Site 1 -Type $setting.Site1
        if ($setting.Site2) { Set-NatLabNat -Lab $Lab -Site 2 -Type $setting.Site2 }
        Clear-NatLabConntrack -Lab $Lab
        $tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
        $code = (ConvertTo-LabText $Code $AddressMap) -replace '\b(offer|answer)-1\b', "`$1-$tag"
        $expected = Split-LabOutput $Output
        $Output | Should -Not -BeNullOrEmpty -Because 'a lab example shows what it prints'

        $job = Get-LabCounterpartJob $code $Lab
        if ($job) {
            Send-NatMatrixLine $Site2 (@{ batch = $tag; jobs = @($job) } | ConvertTo-Json -Compress -Depth 6)
            $null = Wait-NatMatrixBatch $Site2 $tag -Event started
            Start-Sleep -Milliseconds 300   # the answerer registers before the offer comes
        }
        $cred = "`$cred = [pscredential]::new('$($Lab.Turn.User)', (ConvertTo-SecureString '$($Lab.Turn.Password)' -AsPlainText -Force))"
        $script = "Import-Module '$modulePath'; $cred`n& {`n$code`n} | Out-String -Width 120"
        $p = Start-NatLabProcess -Lab $Lab -Namespace $Lab.Namespaces.Host1 -- @Pwsh -NoProfile -NonInteractive -Command $script
        $p.Process.WaitForExit(120000) | Should -BeTrue -Because 'an example ends within 2 minutes'
        $printed = (Get-Content -Raw $p.StdoutPath) + "`n" + (Get-Content -Raw $p.StderrPath -ErrorAction SilentlyContinue)
        $stun = @($Lab.ServerA, $Lab.ServerB)
        ConvertTo-CanonicalOutput $printed $stun | Should -Be (ConvertTo-CanonicalOutput $expected.Command $stun $AddressMap) -Because "it printed:`n$printed"

        if ($expected.Site2) {
            $job | Should -Not -BeNullOrEmpty -Because 'a "Site 2" line belongs to a connection check'
            $answer = Wait-NatMatrixBatch $Site2 $tag -TimeoutSec 120 | Where-Object event -EQ 'result'
            $got = if ($answer.Success) { "connected, $($answer.LocalCandidate) <-> $($answer.RemoteCandidate)" } else { "$($answer.Error)" }
            ConvertTo-CanonicalOutput "Site2 : $got" $stun | Should -Be (ConvertTo-CanonicalOutput "Site2 : $($expected.Site2)" $stun $AddressMap) -Because "site 2 got: $got"
        }
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
