@{
    RootModule           = 'WebRtcPS.psm1'
    # build.ps1 writes <Version> of Directory.Build.props here: the version lives in one place.
    ModuleVersion        = '0.0.0'
    GUID                 = '8ab01f2f-38f0-45c4-86aa-c8fbde85de79'
    Author               = 'WebRtcPS developers'
    CompanyName          = 'WebRtcPS'
    Copyright            = '(c) WebRtcPS developers. MIT License.'
    Description          = 'Tests and scripts WebRTC connections between machines: a signaling server, offerer and answerer peers, ICE candidates and state changes as pipeline objects, STUN and TURN (UDP, TCP, TLS).'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('WebRtcPS.format.ps1xml', 'WebRtcPS.Results.format.ps1xml')
    TypesToProcess       = @('WebRtcPS.types.ps1xml')
    HelpInfoURI          = 'https://github.com/webrtcps/WebRtcPS/tree/main/docs/cmdlets'
    CmdletsToExport      = @(
        'Start-WrtcSignalingServer'
        'Get-WrtcSignalingServer'
        'Stop-WrtcSignalingServer'
        'Get-WrtcIceCandidate'
        'Test-WrtcIceServer'
        'Get-WrtcNatBehavior'
        'New-WrtcPeer'
        'Connect-WrtcPeer'
        'Restart-WrtcIce'
        'Send-WrtcMessage'
        'Receive-WrtcMessage'
        'Get-WrtcPeer'
        'Get-WrtcStatistic'
        'Close-WrtcPeer'
        'Test-WrtcConnection'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @('Get-WrtcStats')
    PrivateData          = @{
        PSData = @{
            Tags         = @('WebRTC', 'ICE', 'STUN', 'TURN', 'NAT', 'Networking', 'Signaling', 'DataChannel')
            LicenseUri   = 'https://github.com/webrtcps/WebRtcPS/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/webrtcps/WebRtcPS'
            # build.ps1 writes CHANGELOG.md's section for ModuleVersion here.
            ReleaseNotes = ''
        }
    }
}
