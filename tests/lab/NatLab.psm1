# The NAT lab (natlab.sh beside this file) for Pester tests: build a lab, switch a site's NAT type,
# run commands and background processes in its namespaces, tear it down. Needs root.
# natlab.sh up is given this process as owner: when this process ends (Ctrl+C, a crash) a watcher
# tears the lab down even if no AfterAll ran.

$script:Tool = Join-Path $PSScriptRoot 'natlab.sh'
$script:Labs = [System.Collections.Generic.List[object]]::new()

# RFC 4787 behaviour of each NAT type, as the lab builds it (README.md says how and why).
$script:NatTypes = [ordered]@{
    None              = [pscustomobject]@{ Type = 'None'; Name = 'none'; Udp = $true; Nat = $false; Mapping = 'endpoint-independent'; Filtering = 'endpoint-independent' }
    FullCone          = [pscustomobject]@{ Type = 'FullCone'; Name = 'full-cone'; Udp = $true; Nat = $true; Mapping = 'endpoint-independent'; Filtering = 'endpoint-independent' }
    AddressRestricted = [pscustomobject]@{ Type = 'AddressRestricted'; Name = 'address-restricted'; Udp = $true; Nat = $true; Mapping = 'endpoint-independent'; Filtering = 'address-dependent' }
    PortRestricted    = [pscustomobject]@{ Type = 'PortRestricted'; Name = 'port-restricted'; Udp = $true; Nat = $true; Mapping = 'endpoint-independent'; Filtering = 'address-and-port-dependent' }
    Symmetric         = [pscustomobject]@{ Type = 'Symmetric'; Name = 'symmetric'; Udp = $true; Nat = $true; Mapping = 'address-and-port-dependent'; Filtering = 'address-and-port-dependent' }
    UdpBlocked        = [pscustomobject]@{ Type = 'UdpBlocked'; Name = 'udp-blocked'; Udp = $false; Nat = $true; Mapping = $null; Filtering = $null }
}

# The NAT types with their RFC 4787 mapping and filtering behaviour.
function Get-NatLabNatType {
    param([string] $Type)
    if ($Type) { return $script:NatTypes[$Type] }
    $script:NatTypes.Values
}

# $null when this machine can build a lab, else why not (not root, a tool missing).
function Get-NatLabUnsupportedReason {
    if (-not $IsLinux) { return 'the NAT lab needs Linux network namespaces' }
    if ((& id -u) -ne '0') { return 'the NAT lab needs root (network namespaces, veth, nftables)' }
    $missing = foreach ($tool in 'ip', 'nft', 'conntrack', 'turnserver', 'openssl', 'python3', 'setsid', 'flock') {
        if (-not (Get-Command $tool -CommandType Application -ErrorAction SilentlyContinue)) { $tool }
    }
    if ($missing) { return "the NAT lab needs $($missing -join ', ') (tools/deps.sh installs them)" }
    $null
}

function Invoke-NatLabTool {
    param([string[]] $Arguments)
    $err = [IO.Path]::GetTempFileName()
    try {
        $out = & bash $script:Tool @Arguments 2> $err
        $code = $LASTEXITCODE
        $message = (Get-Content -Raw $err -ErrorAction SilentlyContinue)
        if ($code -ne 0) { throw "natlab.sh $($Arguments -join ' ') exited with $code`: $message" }
        $out
    }
    finally { Remove-Item $err -ErrorAction SilentlyContinue }
}

function ConvertTo-NatLabName([string] $Type) { $script:NatTypes[$Type].Name }

# The lab a call is about: the one given, else the one whose prefix the namespace carries, else the newest.
function Resolve-NatLab($Lab, [string] $Namespace) {
    if ($Lab) { return $Lab }
    if ($Namespace) {
        $match = $script:Labs | Where-Object { $Namespace.StartsWith("$($_.Prefix)-") } | Select-Object -Last 1
        if ($match) { return $match }
    }
    if ($script:Labs.Count -eq 0) { throw 'no NAT lab: call New-NatLab first' }
    $script:Labs[$script:Labs.Count - 1]
}

<#
.SYNOPSIS
    Builds a NAT lab and returns its names and addresses.
.DESCRIPTION
    Six namespaces (public switch, server, two routers, two LAN hosts), coturn on the server's two
    addresses, both sites PortRestricted unless told otherwise. Torn down by Remove-NatLab, or by
    its watcher when this process ends.
#>
function New-NatLab {
    [CmdletBinding()]
    param(
        [ValidateSet('None', 'FullCone', 'AddressRestricted', 'PortRestricted', 'Symmetric', 'UdpBlocked')]
        [string] $Site1Nat = 'PortRestricted',
        [ValidateSet('None', 'FullCone', 'AddressRestricted', 'PortRestricted', 'Symmetric', 'UdpBlocked')]
        [string] $Site2Nat = 'PortRestricted',
        [int] $SignalingPort = 8080,
        [switch] $NoCoturn
    )
    $reason = Get-NatLabUnsupportedReason
    if ($reason) { throw $reason }
    Invoke-NatLabTool @('gc') | Out-Null
    $arguments = @('up', '--json', '--owner-pid', $PID, '--nat1', (ConvertTo-NatLabName $Site1Nat), '--nat2', (ConvertTo-NatLabName $Site2Nat),
        '--signaling-port', $SignalingPort)
    if ($NoCoturn) { $arguments += '--no-coturn' }
    $info = (Invoke-NatLabTool $arguments) -join "`n" | ConvertFrom-Json
    $site = {
        param($s, $type)
        [pscustomobject]@{
            Site = $s.site; Nat = $type; Host = $s.host; HostNamespace = $s.hostNamespace; Net = $s.net
            RouterNamespace = $s.routerNamespace; RouterLan = $s.routerLan; RouterWan = $s.routerWan
        }
    }
    $lab = [pscustomobject]@{
        PSTypeName    = 'NatLab'
        Prefix        = $info.prefix
        Block         = $info.block
        LabNet        = $info.labNet
        StateDir      = $info.stateDir
        Outside       = $info.outside
        Python        = $info.python
        Probe         = $info.probe
        Namespaces    = [pscustomobject]@{
            Public = $info.namespaces.pub; Server = $info.namespaces.srv; Router1 = $info.namespaces.r1
            Router2 = $info.namespaces.r2; Host1 = $info.namespaces.h1; Host2 = $info.namespaces.h2
        }
        ServerA       = $info.server.a
        ServerB       = $info.server.b
        PublicNet     = $info.server.net
        SignalingPort = $info.server.signalingPort
        Turn          = [pscustomobject]@{
            Enabled = $info.turn.enabled; Port = $info.turn.port; TlsPort = $info.turn.tlsPort
            User = $info.turn.user; Password = $info.turn.password; Realm = $info.turn.realm
            CertPath = $info.turn.cert; Log = $info.turn.log
            Credential = [pscredential]::new($info.turn.user, (ConvertTo-SecureString $info.turn.password -AsPlainText -Force))
        }
        Site1         = & $site $info.sites[0] $Site1Nat
        Site2         = & $site $info.sites[1] $Site2Nat
    }
    $script:Labs.Add($lab)
    $lab
}

# Changes a site's NAT type in place: the router's ruleset is replaced in one nftables transaction
# and its conntrack table emptied.
function Set-NatLabNat {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateSet(1, 2)] [int] $Site,
        [Parameter(Mandatory)] [ValidateSet('None', 'FullCone', 'AddressRestricted', 'PortRestricted', 'Symmetric', 'UdpBlocked')] [string] $Type,
        [object] $Lab
    )
    $Lab = Resolve-NatLab $Lab
    Invoke-NatLabTool @('set-nat', $Lab.Prefix, $Site, (ConvertTo-NatLabName $Type)) | Out-Null
    $Lab."Site$Site".Nat = $Type
}

# Empties the router's conntrack table and NAT mapping tables (one site, or both): a fresh start
# between test cells.
function Clear-NatLabConntrack {
    [CmdletBinding()]
    param([ValidateSet(1, 2)] [int] $Site, [object] $Lab)
    $Lab = Resolve-NatLab $Lab
    $arguments = @('flush', $Lab.Prefix)
    if ($Site) { $arguments += $Site }
    Invoke-NatLabTool $arguments | Out-Null
}

<#
.SYNOPSIS
    Runs a command in one of the lab's namespaces and returns its standard output; $LASTEXITCODE is its exit code.
.EXAMPLE
    Invoke-NatLab -Namespace $lab.Namespaces.Host1 -- ip route
.NOTES
    -Namespace takes the full name or the role: pub srv r1 r2 h1 h2.
#>
function Invoke-NatLab {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Namespace,
        [Parameter(Mandatory, Position = 0, ValueFromRemainingArguments)] [string[]] $Command,
        [object] $Lab
    )
    $Lab = Resolve-NatLab $Lab $Namespace
    & bash $script:Tool exec $Lab.Prefix $Namespace -- @Command
}

# Runs tests/lab/natprobe.py with these arguments in a namespace and returns its JSON lines as objects.
function Invoke-NatLabProbe {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Namespace,
        [Parameter(Mandatory, Position = 0, ValueFromRemainingArguments)] [string[]] $Arguments,
        [object] $Lab
    )
    $Lab = Resolve-NatLab $Lab $Namespace
    $lines = & bash $script:Tool exec $Lab.Prefix $Namespace -- $Lab.Python $Lab.Probe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "natprobe.py $($Arguments -join ' ') in $Namespace exited with $LASTEXITCODE" }
    $lines | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json }
}

<#
.SYNOPSIS
    Starts a background process in a lab namespace; returns its pid and where its output goes.
.DESCRIPTION
    Standard output and error go to files in the lab's state directory (logs/); stdin is /dev/null.
    The pid is the command's own (natlab.sh and ip netns exec exec it). Stop it with
    Stop-NatLabProcess; Remove-NatLab kills whatever still runs in the lab's namespaces.
#>
function Start-NatLabProcess {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Namespace,
        [Parameter(Mandatory, Position = 0, ValueFromRemainingArguments)] [string[]] $Command,
        [string] $Name,
        [object] $Lab
    )
    $Lab = Resolve-NatLab $Lab $Namespace
    $logs = Join-Path $Lab.StateDir 'logs'
    New-Item -ItemType Directory -Force -Path $logs | Out-Null
    if (-not $Name) { $Name = '{0}-{1}' -f (Split-Path -Leaf $Command[0]), [guid]::NewGuid().ToString('N').Substring(0, 6) }
    $stdout = Join-Path $logs "$Name.out"
    $stderr = Join-Path $logs "$Name.err"
    $psi = [System.Diagnostics.ProcessStartInfo]::new('bash')
    foreach ($a in @($script:Tool, 'exec', '--stdout', $stdout, '--stderr', $stderr, $Lab.Prefix, $Namespace, '--') + $Command) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    [pscustomobject]@{
        PSTypeName = 'NatLabProcess'
        Name       = $Name
        Namespace  = $Namespace
        Pid        = $process.Id
        Process    = $process
        StdoutPath = $stdout
        StderrPath = $stderr
    }
}

# Waits until the process's standard output has a line matching Pattern; returns that line.
function Wait-NatLabProcessOutput {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Process, [Parameter(Mandatory)] [string] $Pattern, [double] $TimeoutSec = 10)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        $line = Get-Content $Process.StdoutPath -ErrorAction SilentlyContinue | Where-Object { $_ -match $Pattern } | Select-Object -First 1
        if ($line) { return $line }
        if ($Process.Process.HasExited) {
            throw "$($Process.Name) exited with $($Process.Process.ExitCode) before printing '$Pattern': $(Get-Content -Raw $Process.StderrPath -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 20
    }
    throw "$($Process.Name) printed no '$Pattern' within $TimeoutSec s"
}

# Stops a process from Start-NatLabProcess: SIGTERM, then SIGKILL after TimeoutSec.
function Stop-NatLabProcess {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Process, [double] $TimeoutSec = 3)
    process {
        if ($Process.Process.HasExited) { return }
        & kill -TERM $Process.Pid 2>$null
        if (-not $Process.Process.WaitForExit([int] ($TimeoutSec * 1000))) {
            & kill -KILL $Process.Pid 2>$null
            $Process.Process.WaitForExit(2000) | Out-Null
        }
    }
}

# Tears a lab down (all labs this session made when none is given): kills the processes in its
# namespaces, deletes them and its state. Namespaces it did not create are left alone.
function Remove-NatLab {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] [object] $Lab)
    process {
        $targets = if ($Lab) { @($Lab) } else { @($script:Labs) }
        foreach ($l in $targets) {
            if (-not $l) { continue }
            if (Test-Path (Join-Path $l.StateDir 'lab')) { Invoke-NatLabTool @('down', $l.Prefix) | Out-Null }
            $script:Labs.Remove(($script:Labs | Where-Object Prefix -EQ $l.Prefix | Select-Object -First 1)) | Out-Null
        }
    }
}

Export-ModuleMember -Function New-NatLab, Set-NatLabNat, Clear-NatLabConntrack, Invoke-NatLab, Invoke-NatLabProbe, Start-NatLabProcess,
    Wait-NatLabProcessOutput, Stop-NatLabProcess, Remove-NatLab, Get-NatLabNatType, Get-NatLabUnsupportedReason
