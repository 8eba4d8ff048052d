@{
    RootModule           = 'WebRtcPS.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '8ab01f2f-38f0-45c4-86aa-c8fbde85de79'
    Author               = 'WebRtcPS developers'
    CompanyName          = 'WebRtcPS'
    Copyright            = '(c) WebRtcPS developers. MIT License.'
    Description          = 'Tests and scripts WebRTC connections between machines: a signaling server, offerer and answerer peers, ICE candidates and state changes as pipeline objects, STUN and TURN (UDP, TCP, TLS).'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('WebRtcPS.format.ps1xml')
    CmdletsToExport      = @(
        'Start-WrtcSignalingServer'
        'Get-WrtcSignalingServer'
        'Stop-WrtcSignalingServer'
        'Get-WrtcIceCandidate'
        'Test-WrtcIceServer'
        'Get-WrtcNatBehavior'
        'New-WrtcPeer'
        'Connect-WrtcPeer'
        'Send-WrtcMessage'
        'Receive-WrtcMessage'
        'Get-WrtcPeer'
        'Get-WrtcStats'
        'Close-WrtcPeer'
        'Test-WrtcConnection'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('WebRTC', 'ICE', 'STUN', 'TURN', 'NAT', 'Networking', 'Signaling', 'DataChannel')
            LicenseUri = ''
            ProjectUri = ''
        }
    }
}
