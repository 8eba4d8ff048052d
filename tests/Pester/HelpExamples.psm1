# Help that cannot rot (issue 13): reads the examples of docs/cmdlets/*.md and the about topic,
# rewrites their hosts to this test's loopback servers, and runs each in a runspace of its own.

# Every example of a platyPS page: @{ Page; Title; Code; Output }; about_ topics: every
# ```powershell block and the indented code blocks outside the CMDLETS list and the flags table
# (```output and ```text blocks are not code: an example's Output is the text of the ```output
# blocks that follow it, up to the next example). Nothing else is left out.
function Get-HelpExample([string] $Path) {
    $name = [IO.Path]::GetFileNameWithoutExtension($Path)
    $lines = Get-Content $Path
    $examples = [System.Collections.Generic.List[object]]::new()
    if ($name -like 'about_*') {
        $section = ''; $block = $null; $start = 0; $fence = $null; $fenced = $null; $last = $null
        for ($i = 0; $i -le $lines.Count; $i++) {
            $line = if ($i -lt $lines.Count) { $lines[$i] } else { '' }
            if ($null -ne $fence) {
                if ($line -eq '```') {
                    $text = $fenced -join "`n"
                    if ($fence -eq 'powershell') { $last = @{ Page = $name; Title = "$section, line $start"; Code = $text; Output = '' }; $examples.Add($last) }
                    elseif ($fence -eq 'output' -and $last) { $last.Output = ($last.Output, $text | Where-Object { $_ }) -join "`n" }
                    $fence = $null
                }
                else { $fenced.Add($line) }
                continue
            }
            if ($line -match '^```(\w*)$') { $fence = $Matches[1]; $fenced = [Collections.Generic.List[string]]::new(); $start = $i + 2; continue }
            if ($line -match '^## (.+)$') { $section = $Matches[1]; $last = $null }
            $code = $line -match '^ {4,}\S' -and $section -notin 'CMDLETS', "THE ORIGINAL TOOL'S FLAGS"
            if ($code) { if ($null -eq $block) { $block = [Collections.Generic.List[string]]::new(); $start = $i + 1 }; $block.Add($line) }
            elseif ($null -ne $block -and ($line.Trim() -ne '' -or $i -eq $lines.Count)) {
                $text = ($block | ForEach-Object { $_ -replace '^ {4,8}', '' }) -join "`n"
                $examples.Add(@{ Page = $name; Title = "$section, line $start"; Code = $text; Output = '' })
                $block = $null
            }
        }
        return $examples
    }
    $title = $null; $block = $null
    foreach ($line in $lines) {
        if ($line -match '^### (Example .+)$') { $title = $Matches[1]; continue }
        if ($line -match '^## ' -and $line -ne '## EXAMPLES') { $title = $null }
        if ($title -and $line -eq '```powershell') { $block = [Collections.Generic.List[string]]::new(); continue }
        if ($null -ne $block -and $line -eq '```') {
            $examples.Add(@{ Page = $name; Title = $title; Code = $block -join "`n"; Output = '' })
            $block = $null; $title = $null; continue
        }
        if ($null -ne $block) { $block.Add($line) }
    }
    return $examples
}

# The example with its hosts, ports and waits made this test's: STUN/TURN to the test's coturn,
# signaling URLs to the test's server (or, for an example that starts its own server on a fixed
# port, $OwnServerPort: that server on a free port, its URLs with their scheme), the TURN
# credential prompt to the test's credential, a token prompt to a token of the test's.
function ConvertTo-TestExample([string] $Code, [string] $SignalingUrl, [int] $SignalingPort, [int] $StunPort, [int] $TurnPort, [int] $TurnTlsPort,
    [hashtable] $OwnServerPort) {
    $c = $Code
    $c = $c -replace 'Get-Credential\b[^\r\n|;]*', '$TestTurnCredential'
    $c = $c -replace 'Read-Host\s+-AsSecureString\b[^\r\n|;]*', "(ConvertTo-SecureString 'test-token' -AsPlainText -Force)"
    if ($OwnServerPort) {
        $c = $c -replace "(Start-WrtcSignalingServer[^\n]*-Port\s+)$($OwnServerPort.Port)\b", "`${1}$($OwnServerPort.NewPort)"
        $c = $c -replace "(https?)://(signal\.example\.\w+|10\.\d+\.\d+\.\d+):$($OwnServerPort.Port)\b", "`$1://127.0.0.1:$($OwnServerPort.NewPort)"
    }
    $c = [regex]::Replace($c, '\b(stuns?|turns?):(\[[0-9a-fA-F:]+\]|[\w.-]+)(:\d+)?', {
            param($m)
            $scheme = $m.Groups[1].Value
            $port = switch ($scheme) { 'stun' { $StunPort } 'turn' { $TurnPort } default { $TurnTlsPort } }
            "${scheme}:127.0.0.1:$port"
        })
    $c = $c -replace '(https?://)?(signal\.example\.\w+|10\.\d+\.\d+\.\d+)(:\d+)?/?', $SignalingUrl
    $c = $c -replace 'Start-WrtcSignalingServer -Port 8080', 'Start-WrtcSignalingServer -Port 0'
    $c = $c -replace '-Port 8080\b', "-Port $SignalingPort"
    $c = $c -replace 'Start-Sleep\s+\d+', 'Start-Sleep -Milliseconds 100'
    # -Wait holds the server until Ctrl+C: here it starts, and the test stops it.
    $c = $c -replace '(Start-WrtcSignalingServer[^\n]*?)\s-Wait\b', '$1'
    # Loopback only, and the test's self-signed TURN certificate, for a new peer (a peer piped in
    # has its configuration; default parameter values would choose the new-peer parameter set).
    # A peer that pins the server's certificate (-SignalingCertificateThumbprint) keeps its check.
    $c = $c -replace '(Connect-WrtcPeer)(?=[^\n|]*\s-(Role|SignalingUri|SignalingAddr)\b)(?![^\n|]*\s-SignalingCertificateThumbprint\b)', '$1 -Interface 127.0.0.1 -SkipCertificateCheck'
    $c = $c -replace '(Connect-WrtcPeer)(?=[^\n|]*\s-SignalingCertificateThumbprint\b)', '$1 -Interface 127.0.0.1'
    return $c
}

# The parts of an example written for two hosts ("# On host B:" ... "# On host A:", or "# On
# machine B"): the earlier parts run in the background, the last in the foreground.
function Split-HostPart([string] $Code) {
    $parts = [regex]::Split($Code, '(?m)^# On (?:host|machine) \w+[^\n]*\n') | Where-Object { $_.Trim() }
    return @($parts)
}

# A part that is only a browser step ("# open in any browser: http://.../peer?role=answerer"):
# its page URL and role, else $null.
function Get-BrowserStep([string] $Part) {
    if ($Part -match '(?m)^\s*[^#\s]') { return $null }
    if ($Part -notmatch '(https?://\S+)/peer\?role=(offerer|answerer)\S*') { return $null }
    @{ Base = $Matches[1]; Url = $Matches[0]; Role = $Matches[2] }
}

# Role and ids of the peer an example connects (defaults by role, as the cmdlets take them), or
# $null when it connects none: the test starts the other side.
function Get-ExamplePeer([string] $Code) {
    if ($Code -notmatch 'Connect-WrtcPeer|Test-WrtcConnection[^\n]*-SignalingUri') { return $null }
    $role = if ($Code -match '-Role\s+(Offerer|Answerer)') { $Matches[1] } else { 'Offerer' }
    $id = if ($Code -match '\s-Id\s+([\w-]+)') { $Matches[1] } elseif ($role -eq 'Offerer') { 'offer-peer-1' } else { 'answer-peer-1' }
    $remote = if ($Code -match '-RemoteId\s+([\w-]+)') { $Matches[1] } elseif ($role -eq 'Offerer') { 'answer-peer-1' } else { 'offer-peer-1' }
    @{ Role = $role; Id = $id; RemoteId = $remote; NoGreeting = $Code -match '-NoGreeting' }
}

# The NAT-lab examples (about_WebRtcPS_Troubleshooting): "# In the lab: site 1 TYPE[, site 2 TYPE]"
# as their first line says how the lab is set for them; $null for any other example.
function Get-LabSetting([string] $Code) {
    if ($Code -notmatch '^# In the lab: site 1 (\w+)(?:, site 2 (\w+))?') { return $null }
    @{ Site1 = $Matches[1]; Site2 = $Matches[2] }
}

# The page's lab addresses (the first lab natlab.sh builds) and this lab's: a second lab beside
# another (a run in parallel) has other ones. Longest first, so 198.18.0.101 is not 198.18.0.10.
function Get-LabAddressMap($Lab) {
    [ordered]@{
        '198.18.0.101' = $Lab.Site1.RouterWan; '198.18.0.102' = $Lab.Site2.RouterWan
        '198.18.0.10' = $Lab.ServerA; '198.18.0.11' = $Lab.ServerB
        '198.18.1.10' = $Lab.Site1.Host; '198.18.2.10' = $Lab.Site2.Host
    }
}

function ConvertTo-LabText([string] $Text, $AddressMap) {
    foreach ($k in $AddressMap.Keys) { $Text = $Text -replace "(?<![\d.])$([regex]::Escape($k))(?![\d])", $AddressMap[$k] }
    $Text
}

# What a transcript shows, in a form two runs share: IPv4 addresses kept, ports "P", every other
# number (times, counts, codes) "N", either STUN server "stun:S", colours, white space and column
# widths gone, lines sorted (which STUN server answers first varies). Format-List values are joined
# across their wrapped lines; a column cut short ("…") compares as cut. $AddressMap (the page's
# addresses to this lab's) applies once a wrapped address is whole again.
function ConvertTo-CanonicalOutput([string] $Text, [string[]] $StunAddresses, $AddressMap) {
    $mask = {
        param([string] $t)
        if ($AddressMap) { $t = ConvertTo-LabText $t $AddressMap }
        $t = [regex]::Replace($t, '(\d{1,3}(?:\.\d{1,3}){3})(:\d+)?|\d+(?:\.\d+)?', { param($m) if ($m.Groups[1].Success) { $m.Groups[1].Value + $(if ($m.Groups[2].Success) { ':P' }) } else { 'N' } })
        foreach ($a in $StunAddresses) { $t = $t.Replace("stun:${a}:P", 'stun:S') }
        $t
    }
    $lines = @(($Text -replace '\e\[[0-9;]*m', '') -split "`r?`n" | Where-Object { $_.Trim() -and $_ -notmatch '^[-\s]+$' })
    $list = @($lines | Where-Object { $_ -notmatch '^WARNING:' -and $_ -match '^[A-Za-z]\w*\s*:(\s|$)' }).Count -gt 0
    $out = [Collections.Generic.List[string]]::new()
    foreach ($line in $lines) {
        # A table's columns meet once white space goes: mask first. A list's value may wrap in
        # the middle of an address: join first.
        if (-not $list) { $out.Add(((& $mask ($line -replace '\S*…', '…')) -replace '\s+', '')); continue }
        $joins = $line -notmatch '^WARNING:' -and $line -notmatch '^[A-Za-z]\w*\s*:(\s|$)' -and $out.Count -and $out[$out.Count - 1] -notmatch '^WARNING:'
        if ($joins) { $out[$out.Count - 1] += $line } else { $out.Add($line) }
    }
    if ($list) { for ($i = 0; $i -lt $out.Count; $i++) { $out[$i] = & $mask ($out[$i] -replace '\s+', '') } }
    ($out | Sort-Object) -join "`n"
}

# A lab transcript's two parts: what the command printed, and the "Site 2 (Connect-WrtcPeer): ..."
# line (site 2's answerer, for a connection check), or $null.
function Split-LabOutput([string] $Output) {
    $at = $Output.IndexOf('Site 2 (Connect-WrtcPeer):')
    if ($at -lt 0) { return @{ Command = $Output; Site2 = $null } }
    @{ Command = $Output.Substring(0, $at); Site2 = $Output.Substring($at + 'Site 2 (Connect-WrtcPeer):'.Length).Trim() }
}

# Site 2's answerer for a Test-WrtcConnection against a remote peer: the same servers, the other
# ids, the lab's TURN user (right credentials even where site 1 uses wrong ones). As a job for
# tests/lab/NatPeerRunner.ps1; $null when the example checks no connection.
function Get-LabCounterpartJob([string] $Code, $Lab) {
    if ($Code -notmatch 'Test-WrtcConnection[^\n]*-SignalingUri\s+(\S+)') { return $null }
    $uri = $Matches[1]
    $line = @($Code -split "`n" | Where-Object { $_ -match 'Test-WrtcConnection' })[0]
    $id = if ($line -match '\s-Id\s+(\S+)') { $Matches[1] } else { 'offer-peer-1' }
    $remote = if ($line -match '\s-RemoteId\s+(\S+)') { $Matches[1] } else { 'answer-peer-1' }
    # Its wait covers site 1's fresh pwsh starting on a loaded machine; a failing check ends by
    # ICE's verdict, long before.
    $p = [ordered]@{ Role = 'Answerer'; Id = $remote; RemoteId = $id; SignalingUri = $uri; TimeoutSec = 90 }
    if ($line -match '\s-IceServer\s+(\S+)') { $p.IceServer = @($Matches[1] -split ',') }
    if ($line -match '\s-RelayOnly\b') { $p.RelayOnly = $true }
    if ($line -match '\s-SkipCertificateCheck\b') { $p.SkipCertificateCheck = $true }
    $job = [ordered]@{ id = $remote; kind = 'connect'; parameters = $p }
    if ($line -match '\s-Credential\s') { $job.user = $Lab.Turn.User; $job.password = $Lab.Turn.Password }
    $job
}

Export-ModuleMember -Function Get-HelpExample, ConvertTo-TestExample, Split-HostPart, Get-BrowserStep, Get-ExamplePeer, Get-LabSetting, Get-LabAddressMap,
    ConvertTo-LabText, ConvertTo-CanonicalOutput, Split-LabOutput, Get-LabCounterpartJob
