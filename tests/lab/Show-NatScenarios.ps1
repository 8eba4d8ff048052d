<#
.SYNOPSIS
    Prints what WebRtcPS prints in each NAT scenario of about_WebRtcPS_Troubleshooting, from a NAT
    lab (needs root): Get-WrtcIceCandidate in site 1 behind each NAT type, Test-WrtcIceServer from
    a UDP-blocked site, and Test-WrtcConnection from site 1 against Connect-WrtcPeer in site 2.
.DESCRIPTION
    The outputs in docs/cmdlets/about_WebRtcPS_Troubleshooting.md first came from this script; the
    page's commands now run in the suite (tests/Pester/HelpExamples.Tests.ps1), which checks that
    they still print what the page shows. Use this script for a fresh transcript. Each command runs
    in a fresh pwsh in the site's LAN namespace, exactly as a user would type it there; the lab's
    addresses (198.18.0.10 is the STUN/TURN and signaling server) appear as they are.
.EXAMPLE
    sudo dotnet pwsh tests/lab/Show-NatScenarios.ps1 -ModulePath out/WebRtcPS/WebRtcPS.psd1 > /tmp/scenarios.txt
#>
param([string] $ModulePath = (Join-Path $PSScriptRoot '../../out/WebRtcPS/WebRtcPS.psd1'))
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'NatLab.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'NatMatrix.psm1') -Force
$ModulePath = (Resolve-Path $ModulePath).Path
$pwsh = Get-NatMatrixPwsh

$lab = New-NatLab
try {
    $a = $lab.ServerA
    $null = Start-NatMatrixSignaling -Lab $lab -ModulePath $ModulePath
    $site2 = Start-NatMatrixRunner -Lab $lab -Namespace $lab.Namespaces.Host2 -Name site2 -ModulePath $ModulePath
    $signaling = "http://${a}:$($lab.SignalingPort)"
    $cred = "`$cred = [pscredential]::new('alice', (ConvertTo-SecureString 'secret' -AsPlainText -Force))"

    # Runs $Command in site 1's LAN namespace (a fresh pwsh) and prints it with its output.
    function Show([string] $Title, [string] $Command, [string] $Setup = '') {
        $script = "Import-Module '$ModulePath'; $Setup; $Command | Out-String -Width 120"
        $p = Start-NatLabProcess -Lab $lab -Namespace $lab.Namespaces.Host1 -- @pwsh -NoProfile -NonInteractive -Command $script
        $null = $p.Process.WaitForExit(120000)
        "==== $Title"
        "PS> $Command"
        (Get-Content -Raw $p.StdoutPath).TrimEnd()
        $err = (Get-Content -Raw $p.StderrPath -ErrorAction SilentlyContinue)
        if ($err) { $err.TrimEnd() }
        ''
    }

    # A connection check: Connect-WrtcPeer answers in site 2 (through the runner), the
    # Test-WrtcConnection of site 1 is shown.
    function ShowConnection([string] $Nat1, [string] $Nat2, [string] $Configuration, [string] $Password = 'secret') {
        Set-NatLabNat -Lab $lab -Site 1 -Type $Nat1
        Set-NatLabNat -Lab $lab -Site 2 -Type $Nat2
        Clear-NatLabConntrack -Lab $lab
        $tag = [guid]::NewGuid().ToString('N').Substring(0, 6)
        $job = New-NatMatrixJob -Lab $lab -Kind connect -Id "answer-$tag" -RemoteId "offer-$tag" -Configuration $Configuration
        Send-NatMatrixLine $site2 (@{ batch = $tag; jobs = @($job) } | ConvertTo-Json -Compress -Depth 6)
        $null = Wait-NatMatrixBatch $site2 $tag -Event started
        $ice = Get-NatMatrixIceServers -Lab $lab -Configuration $Configuration
        $command = "Test-WrtcConnection -SignalingUri $signaling -Id offer-$tag -RemoteId answer-$tag"
        if ($ice.Urls.Count) { $command += " -IceServer $($ice.Urls -join ',')" }
        if ($ice.Turn) { $command += ' -Credential $cred' }
        if ($ice.RelayOnly) { $command += ' -RelayOnly' }
        if ($ice.Tls) { $command += ' -SkipCertificateCheck' }
        $setup = $cred -replace "'secret'", "'$Password'"
        Show "site 1 $Nat1, site 2 $Nat2, $Configuration$(if ($Password -ne 'secret') { ', wrong TURN password' })" `
            "$command | Format-List Success, SelectedPairType, LocalCandidate, RemoteCandidate, SetupMs, VerdictMs, Error" $setup
        $answer = Wait-NatMatrixBatch $site2 $tag -TimeoutSec 60 | Where-Object event -EQ 'result'
        "     (site 2, Connect-WrtcPeer: $(if ($answer.Success) { "connected, $($answer.LocalCandidate) <-> $($answer.RemoteCandidate)" } else { $answer.Error }))"
        ''
    }

    foreach ($type in 'None', 'FullCone', 'AddressRestricted', 'PortRestricted', 'Symmetric', 'UdpBlocked') {
        Set-NatLabNat -Lab $lab -Site 1 -Type $type
        Show "Get-WrtcIceCandidate behind $type" "Get-WrtcIceCandidate -IceServer stun:${a}:3478,stun:$($lab.ServerB):3478 | Format-Table ElapsedMs, Type, Address, Port, RelatedAddress, RelatedPort, Url"
    }
    Show 'Get-WrtcIceCandidate behind UdpBlocked: the summary' "Get-WrtcIceCandidate -IceServer stun:${a}:3478 | Select-Object -Last 1 | Format-List"
    Show 'Test-WrtcIceServer behind UdpBlocked' "Test-WrtcIceServer -Uri 'stun:${a}:3478','turn:${a}:3478?transport=udp','turn:${a}:3478?transport=tcp','turns:${a}:5349' -Credential `$cred -SkipCertificateCheck" $cred

    ShowConnection FullCone FullCone host
    ShowConnection PortRestricted PortRestricted stun
    ShowConnection FullCone Symmetric stun
    ShowConnection PortRestricted Symmetric stun
    ShowConnection Symmetric Symmetric stun
    ShowConnection Symmetric Symmetric stun+turn-udp
    ShowConnection UdpBlocked PortRestricted stun
    ShowConnection UdpBlocked PortRestricted stun+turn-udp
    ShowConnection UdpBlocked PortRestricted stun+turn-tls
    ShowConnection UdpBlocked UdpBlocked relay-tcp
    ShowConnection PortRestricted PortRestricted relay-udp -Password wrong
}
finally {
    Remove-NatLab $lab
}
