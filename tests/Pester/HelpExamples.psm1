# Help that cannot rot (issue 13): reads the examples of docs/cmdlets/*.md and the about topic,
# rewrites their hosts to this test's loopback servers, and runs each in a runspace of its own.

# Every example of a platyPS page: @{ Page; Title; Code }; about_ topics: the indented code blocks
# outside the CMDLETS list and the flags table.
function Get-HelpExample([string] $Path) {
    $name = [IO.Path]::GetFileNameWithoutExtension($Path)
    $lines = Get-Content $Path
    $examples = [System.Collections.Generic.List[object]]::new()
    if ($name -like 'about_*') {
        $section = ''; $block = $null; $start = 0
        for ($i = 0; $i -le $lines.Count; $i++) {
            $line = if ($i -lt $lines.Count) { $lines[$i] } else { '' }
            if ($line -match '^## (.+)$') { $section = $Matches[1] }
            $code = $line -match '^ {4,}\S' -and $section -notin 'CMDLETS', "THE ORIGINAL TOOL'S FLAGS"
            if ($code) { if ($null -eq $block) { $block = [Collections.Generic.List[string]]::new(); $start = $i + 1 }; $block.Add($line) }
            elseif ($null -ne $block -and ($line.Trim() -ne '' -or $i -eq $lines.Count)) {
                $text = ($block | ForEach-Object { $_ -replace '^ {4,8}', '' }) -join "`n"
                $examples.Add(@{ Page = $name; Title = "$section, line $start"; Code = $text })
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
            # An example that says so in its first line is for several machines (or a browser)
            # and is covered by the tests it names, not run here.
            if ($block.Count -eq 0 -or $block[0] -notmatch '^# Not run by the test suite') {
                $examples.Add(@{ Page = $name; Title = $title; Code = $block -join "`n" })
            }
            $block = $null; $title = $null; continue
        }
        if ($null -ne $block) { $block.Add($line) }
    }
    return $examples
}

# The example with its hosts, ports and waits made this test's: STUN/TURN to the test's coturn,
# signaling URLs to the test's server, the TURN credential prompt to the test's credential.
function ConvertTo-TestExample([string] $Code, [string] $SignalingUrl, [int] $SignalingPort, [int] $StunPort, [int] $TurnPort, [int] $TurnTlsPort) {
    $c = $Code
    $c = $c -replace 'Get-Credential\b[^\r\n|;]*', '$TestTurnCredential'
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
    $c = $c -replace '(Connect-WrtcPeer)(?=[^\n|]*\s-(Role|SignalingUri|SignalingAddr)\b)', '$1 -Interface 127.0.0.1 -SkipCertificateCheck'
    return $c
}

# The parts of an example written for two hosts ("# On host B:" ... "# On host A:"): the earlier
# parts run in the background, the last in the foreground.
function Split-HostPart([string] $Code) {
    $parts = [regex]::Split($Code, '(?m)^# On host \w+[^\n]*\n') | Where-Object { $_.Trim() }
    return @($parts)
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

Export-ModuleMember -Function Get-HelpExample, ConvertTo-TestExample, Split-HostPart, Get-ExamplePeer
