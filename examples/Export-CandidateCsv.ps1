<#
.SYNOPSIS
    Candidates from both sides to CSV: run it on each host, one as Answerer and one as Offerer,
    then merge the two files into one timeline.

.DESCRIPTION
    Each side writes every candidate it gathered (Direction Local) and every one it received
    (Direction Remote), and the selected pair, with TimestampIso (milliseconds) and ElapsedMs.
    Merge the two hosts' files with -Merge to see both sides in one table, in time order.

.EXAMPLE
    # host B:  ./Export-CandidateCsv.ps1 -Role Answerer -SignalingUri http://signal.example.net:8080 -Path b.csv
    # host A:  ./Export-CandidateCsv.ps1 -Role Offerer  -SignalingUri http://signal.example.net:8080 -Path a.csv
    # then:    ./Export-CandidateCsv.ps1 -Merge a.csv, b.csv -Path both.csv
#>
[CmdletBinding(DefaultParameterSetName = 'Connect')]
param(
    [Parameter(ParameterSetName = 'Connect', Mandatory)]
    [WebRtcPS.PeerRole] $Role,

    [Parameter(ParameterSetName = 'Connect', Mandatory)]
    [string] $SignalingUri,

    # STUN/TURN servers, as Connect-WrtcPeer -IceServer takes them.
    [Parameter(ParameterSetName = 'Connect')]
    [object[]] $IceServer,

    [Parameter(ParameterSetName = 'Connect')]
    [pscredential] $Credential,

    [Parameter(ParameterSetName = 'Connect')]
    [string[]] $Interface,

    [Parameter(ParameterSetName = 'Connect')]
    [int] $TimeoutSec = 60,

    [Parameter(ParameterSetName = 'Merge', Mandatory)]
    [string[]] $Merge,

    [Parameter(Mandatory)]
    [string] $Path
)

if ($PSCmdlet.ParameterSetName -eq 'Merge') {
    # One timeline: both files, sorted by the time each event happened on its host.
    Import-Csv $Merge | Sort-Object { [DateTimeOffset]::Parse($_.TimestampIso) } | Export-Csv $Path
    return
}

$connect = @{ Role = $Role; SignalingUri = $SignalingUri; TimeoutSec = $TimeoutSec; Include = 'Candidate', 'Pair' }
if ($IceServer) { $connect.IceServer = $IceServer }
if ($Credential) { $connect.Credential = $Credential }
if ($Interface) { $connect.Interface = $Interface }

# One shape for both event types, so the CSV has the same columns on every row.
Connect-WrtcPeer @connect |
    Select-Object TimestampIso, ElapsedMs, PeerId, EventType,
        @{ n = 'Direction'; e = { if ($_.EventType -eq 'Candidate') { $_.Direction } else { 'Selected' } } },
        @{ n = 'Type'; e = { if ($_.EventType -eq 'Candidate') { $_.Type } else { "$($_.LocalType)-$($_.RemoteType)" } } },
        Protocol,
        @{ n = 'Address'; e = { if ($_.EventType -eq 'Candidate') { "$($_.Address):$($_.Port)" } else { "$($_.LocalAddress):$($_.LocalPort) <-> $($_.RemoteAddress):$($_.RemotePort)" } } },
        @{ n = 'Related'; e = { if ($_.RelatedAddress) { "$($_.RelatedAddress):$($_.RelatedPort)" } } },
        Url |
    Export-Csv $Path
