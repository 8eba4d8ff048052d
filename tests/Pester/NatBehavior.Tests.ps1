# Get-WrtcNatBehavior (issue 11): on loopback, the partial answer from a STUN server without RFC 5780
# and the errors; in the NAT lab (tests/lab), for every NAT type the lab builds, that the answer
# matches how the router was built. The lab needs root: elsewhere it skips, except in CI
# (WRTC_REQUIRE_INTEROP=1), where it fails.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Coturn.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../lab/NatLab.psm1') -Force
    # In CI (WRTC_REQUIRE_INTEROP=1) coturn tests never skip: Pester runs no BeforeAll of a block
    # whose tests are all skipped, so a missing coturn must fail the tests themselves.
    $coturn = (Test-CoturnAvailable) -or (Test-WrtcInteropRequired)
    $reason = Get-NatLabUnsupportedReason
    $skipLab = $reason -and -not (Test-WrtcInteropRequired)
    if ($skipLab) { Write-Host "NatBehavior.Tests.ps1: the NAT lab part is skipped: $reason" -ForegroundColor Yellow }
    # What each type should give: the RFC 4787 behaviour comes from the lab's own table of how it
    # builds the router (Get-NatLabNatType); the verdict is the cmdlet's promise in words.
    $verdicts = @{
        None              = 'No NAT and no filtering: direct connections possible'
        FullCone          = 'Direct connections possible with STUN'
        AddressRestricted = 'Direct connections possible with STUN'
        PortRestricted    = 'Direct connections possible with STUN; needs TURN when the other side is symmetric'
        Symmetric         = 'Symmetric NAT: needs TURN when the other side is symmetric or port-restricted'
        UdpBlocked        = 'UDP is blocked: needs TURN over TCP/TLS (TCP 3478, 5349 open)'
    }
    $types = @(Get-NatLabNatType | ForEach-Object { @{ Type = $_.Type; Built = $_; Verdict = $verdicts[$_.Type] } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Coturn.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../lab/NatLab.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
    $Id = 'WebRtcPS.Commands.Nat.GetWrtcNatBehaviorCommand'

    # 'endpoint-independent' -> 'EndpointIndependent'
    function ConvertTo-BehaviorName([string] $Text) { -join ($Text -split '-' | ForEach-Object { $_.Substring(0, 1).ToUpperInvariant() + $_.Substring(1) }) }

    # Runs Get-WrtcNatBehavior in a lab namespace (a process of its own: this one cannot enter a
    # namespace) with the built module; returns the result as an object.
    function Invoke-NatBehavior($Lab, [string] $Namespace, [string] $Arguments) {
        $module = (Resolve-Path (Get-WrtcTestModulePath)).Path
        $pwsh = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
            @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))     # pwsh as a dotnet tool
        }
        else { @([Environment]::ProcessPath) }
        $command = "Import-Module '$module'; Get-WrtcNatBehavior $Arguments | ConvertTo-Json -Compress"
        $out = Invoke-NatLab -Lab $Lab -Namespace $Namespace -- @pwsh -NoProfile -NonInteractive -Command $command
        if ($LASTEXITCODE -ne 0) { throw "Get-WrtcNatBehavior $Arguments in $Namespace exited with $LASTEXITCODE`: $out" }
        ($out -join "`n") | ConvertFrom-Json
    }
}

Describe 'Get-WrtcNatBehavior on loopback' -Tag 'CI' {
    BeforeAll {
        if (-not (Test-CoturnAvailable) -and (Test-WrtcInteropRequired)) { throw 'coturn (turnserver) is required in CI (WRTC_REQUIRE_INTEROP=1) but is not installed' }
    }

    It 'gives a partial answer, not an error, from a STUN server without RFC 5780' -Skip:(-not $coturn) {
        $stun = Start-TestStunServer
        try {
            $r = Get-WrtcNatBehavior -StunServer "stun:127.0.0.1:$($stun.Port)" -TurnPort @() -ErrorAction Stop
        }
        finally { Stop-TestStunServer $stun }
        $r.PSObject.TypeNames[0] | Should -Be 'WebRtcPS.NatBehavior'
        $r.Rfc5780Supported | Should -BeFalse
        $r.MappedAddress | Should -Be $r.LocalAddress
        $r.MappingBehavior | Should -Be 'NoNat'
        $r.FilteringBehavior | Should -Be 'Unknown'
        $r.Reason | Should -Match 'no OTHER-ADDRESS: it does not support RFC 5780'
        $r.Verdict | Should -Be 'No NAT: direct connections possible; filtering unknown, so TURN may be needed when the other side is symmetric'
        $r.UdpBlocked | Should -BeFalse
        $r.TcpReachable | Should -BeNullOrEmpty
    }

    It 'writes the engine''s NAT lines on -Verbose (each test, the conclusion) and -Debug (each datagram); none without them' -Skip:(-not $coturn) {
        $stun = Start-TestStunServer
        $closed = Get-FreeUdpTcpPort
        # In a runspace of its own, as a user's prompt: the streams are what the host would show.
        function Invoke-Logged([string] $Switches) {
            $ps = [PowerShell]::Create()
            $null = $ps.AddScript("Import-Module '$(Get-WrtcTestModulePath)'; Get-WrtcNatBehavior -StunServer stun:127.0.0.1:$($stun.Port) -TurnPort $closed -TimeoutSec 1 $Switches")
            $out = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $out.Count | Should -Be 1
            [pscustomobject]@{ Verbose = @($ps.Streams.Verbose | ForEach-Object Message); Debug = @($ps.Streams.Debug | ForEach-Object Message) }
        }
        try {
            $verbose = Invoke-Logged '-Verbose'
            $debug = Invoke-Logged '-Debug'
            $quiet = Invoke-Logged ''
        }
        finally { Stop-TestStunServer $stun }
        $port = $stun.Port
        function Assert-Line([string[]] $Lines, [string] $Pattern) { $Lines | Where-Object { $_ -match $Pattern } | Should -Not -BeNullOrEmpty -Because "a line should match $Pattern in:`n$($Lines -join "`n")" }
        Assert-Line $verbose.Verbose "^\[\d\d:\d\d:\d\d\.\d{3}\] NAT: NAT behaviour discovery \(RFC 5780\) against stun:127\.0\.0\.1:$port \(127\.0\.0\.1:$port\) from 127\.0\.0\.1;"
        Assert-Line $verbose.Verbose "\] NAT: mapping test I to 127\.0\.0\.1:${port}: answered from 127\.0\.0\.1:$port, mapped 127\.0\.0\.1:\d+"
        Assert-Line $verbose.Verbose "\] NAT: filtering test I to 127\.0\.0\.1:${port}: answered"
        Assert-Line $verbose.Verbose "\] NAT: TCP ${closed}: Refused"
        Assert-Line $verbose.Verbose '\] NAT: mapping NoNat, filtering Unknown: No NAT: direct connections possible'
        $verbose.Debug | Should -BeNullOrEmpty
        Assert-Line $debug.Debug "\] NAT: 127\.0\.0\.1:\d+ sent a \d+-byte STUN request to 127\.0\.0\.1:$port$"
        Assert-Line $debug.Debug "\] NAT: 127\.0\.0\.1:\d+ received a STUN SuccessResponse from 127\.0\.0\.1:$port$"
        $quiet.Verbose + $quiet.Debug | Should -BeNullOrEmpty
    }

    It 'says UDP blocked and no connectivity when nothing answers, within -TimeoutSec' {
        $closed = Get-FreeUdpTcpPort
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = Get-WrtcNatBehavior -StunServer "stun:127.0.0.1:$closed" -TurnPort $closed -TimeoutSec 1
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        $r.UdpBlocked | Should -BeTrue
        $r.TcpReachable | Should -BeFalse
        $r.MappingBehavior | Should -Be 'Unknown'
        $r.Verdict | Should -BeLike 'UDP is blocked and the TURN ports do not answer over TCP*'
        $r.Reason | Should -BeLike 'no answer over UDP from 127.0.0.1:*'
    }

    It 'rejects <Server> with InvalidStunServerUri' -ForEach @(@{ Server = 'turn:127.0.0.1' }, @{ Server = 'stun:' }, @{ Server = '127.0.0.1:3478' }) {
        { Get-WrtcNatBehavior -StunServer $Server } | Should -Throw -ErrorId "InvalidStunServerUri,$Id"
    }

    It 'rejects a -LocalAddress that is not this host''s with LocalAddressUnavailable' {
        { Get-WrtcNatBehavior -StunServer stun:127.0.0.1 -LocalAddress 192.0.2.1 } | Should -Throw -ErrorId "LocalAddressUnavailable,$Id"
    }
}

Describe 'Get-WrtcNatBehavior in the NAT lab' -Tag 'CI', 'Interop', 'NatLab' -Skip:$skipLab {
    BeforeAll {
        $unsupported = Get-NatLabUnsupportedReason
        if ($unsupported) { throw "the NAT lab is required here (WRTC_REQUIRE_INTEROP=1): $unsupported" }
        $lab = New-NatLab
    }
    AfterAll {
        if ($lab) { Remove-NatLab $lab }
    }

    It 'site 1 as <Type>: the answer matches how the router was built' -ForEach $types {
        Set-NatLabNat -Lab $lab -Site 1 -Type $Type
        # Test I goes to A: coturn asked at B names B again as its other address (tests/lab/README.md).
        $r = Invoke-NatBehavior $lab h1 "-StunServer stun:$($lab.ServerA):3478"

        $r.Verdict | Should -Be $Verdict -Because $r.Reason
        $r.UdpBlocked | Should -Be (-not $Built.Udp)
        $r.TcpReachable | Should -BeTrue
        $r.TcpOpenPorts | Should -Be '3478, 5349'
        $r.LocalAddress | Should -BeLike "$($lab.Site1.Host):*"
        if (-not $Built.Udp) {
            $r.MappingBehavior | Should -Be 'Unknown'
            $r.FilteringBehavior | Should -Be 'Unknown'
            $r.MappedAddress | Should -BeNullOrEmpty
            return
        }
        $r.Rfc5780Supported | Should -BeTrue
        $r.OtherAddress | Should -Be "$($lab.ServerB):3479"
        $r.Reason | Should -BeNullOrEmpty
        $r.MappingBehavior | Should -Be $(if ($Built.Nat) { ConvertTo-BehaviorName $Built.Mapping } else { 'NoNat' })
        $r.FilteringBehavior | Should -Be (ConvertTo-BehaviorName $Built.Filtering)
        if ($Built.Nat) {
            $r.MappedAddress | Should -BeLike "$($lab.Site1.RouterWan):*"
            $r.Hairpinning | Should -BeFalse        # the lab's routers do not hairpin
        }
        else {
            $r.MappedAddress | Should -Be $r.LocalAddress
            $r.Hairpinning | Should -BeTrue         # our own address: straight back in
        }
        # Masquerade keeps the source port when it can; fully-random (symmetric) draws one.
        if ($Type -ne 'Symmetric') { $r.PortPreserved | Should -BeTrue }
    }
}
