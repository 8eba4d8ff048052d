<#
.SYNOPSIS
    Compiles docs/cmdlets/*.md, written in platyPS's markdown schema (2.0.0), into the MAML file
    PowerShell's Get-Help reads (WebRtcPS.dll-Help.xml), and about_*.md into about_*.help.txt.

.DESCRIPTION
    platyPS itself is not available here, so this is our own reader of its schema: front matter,
    # Name, ## SYNOPSIS, ## SYNTAX (### Set (Default) + code fence), ## DESCRIPTION, ## EXAMPLES
    (### title, code fences, remarks), ## PARAMETERS (### -Name, text, ```yaml block),
    ## INPUTS, ## OUTPUTS, ## NOTES, ## RELATED LINKS. A page that breaks the schema is an error
    naming the file and what is missing.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [string] $HelpFileName = 'WebRtcPS.dll-Help.xml'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Split-Sections([string[]] $Lines, [string] $Prefix) {
    # Splits lines into an ordered map heading -> lines, for headings that start with $Prefix.
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($Prefix) -and -not $line.StartsWith($Prefix + '#')) {
            $current = $line.Substring($Prefix.Length).Trim()
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $current) { $sections[$current].Add($line) }
    }
    return $sections
}

function Get-Paragraphs([string[]] $Lines) {
    # Markdown text -> paragraphs (blank-line separated), code fences kept whole.
    $paras = [System.Collections.Generic.List[string]]::new()
    $buffer = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') {
            $inFence = -not $inFence
            if (-not $inFence) { $paras.Add(($buffer -join "`n")); $buffer.Clear() }
            elseif ($buffer.Count) { $paras.Add(($buffer -join ' ')); $buffer.Clear() }
            continue
        }
        if ($inFence) { $buffer.Add($line); continue }
        if ($line.Trim() -eq '') {
            if ($buffer.Count) { $paras.Add(($buffer -join ' ')); $buffer.Clear() }
            continue
        }
        $buffer.Add($line.Trim())
    }
    if ($buffer.Count) { $paras.Add(($buffer -join ' ')) }
    return , $paras
}

function Get-Fences([string[]] $Lines) {
    # Returns @{ Code = [fenced blocks]; Text = [lines outside fences] }
    $code = [System.Collections.Generic.List[string]]::new()
    $text = [System.Collections.Generic.List[string]]::new()
    $buffer = $null
    foreach ($line in $Lines) {
        if ($line -match '^```') {
            if ($null -eq $buffer) { $buffer = [System.Collections.Generic.List[string]]::new() }
            else { $code.Add(($buffer -join "`n")); $buffer = $null }
            continue
        }
        if ($null -ne $buffer) { $buffer.Add($line) } else { $text.Add($line) }
    }
    return @{ Code = $code; Text = $text }
}

function Read-Yaml([string] $Block) {
    $map = @{}
    foreach ($line in $Block -split "`n") {
        if ($line -match '^\s*([^:]+):\s*(.*)$') { $map[$Matches[1].Trim()] = $Matches[2].Trim() }
    }
    return $map
}

function Read-CommandPage([string] $Path) {
    $lines = Get-Content -Path $Path
    $fail = { param($what) throw "${Path}: $what" }
    # Skip front matter.
    if ($lines.Count -and $lines[0] -eq '---') {
        $end = [Array]::IndexOf($lines, '---', 1)
        if ($end -lt 0) { & $fail 'front matter is not closed with ---' }
        $lines = $lines[($end + 1)..($lines.Count - 1)]
    }
    $titleLine = $lines | Where-Object { $_ -match '^# ' } | Select-Object -First 1
    if (-not $titleLine) { & $fail 'missing "# Command-Name" title' }
    $name = $titleLine.Substring(2).Trim()
    $sections = Split-Sections $lines '## '
    foreach ($required in 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS') {
        if (-not $sections.Contains($required)) { & $fail "missing ## $required section" }
    }

    $parameters = [System.Collections.Generic.List[object]]::new()
    $paramSections = Split-Sections $sections['PARAMETERS'] '### '
    foreach ($key in $paramSections.Keys) {
        if ($key -eq 'CommonParameters') { continue }
        if (-not $key.StartsWith('-')) { & $fail "parameter heading '### $key' must start with '-'" }
        $parts = Get-Fences $paramSections[$key]
        if ($parts.Code.Count -lt 1) { & $fail "parameter $key has no yaml block" }
        $yaml = Read-Yaml $parts.Code[0]
        foreach ($field in 'Type', 'Parameter Sets', 'Required', 'Position', 'Accept pipeline input') {
            if (-not $yaml.ContainsKey($field)) { & $fail "parameter $key yaml lacks '$field'" }
        }
        $parameters.Add([pscustomobject]@{
                Name        = $key.Substring(1)
                Description = Get-Paragraphs $parts.Text
                Type        = $yaml['Type']
                Sets        = @($yaml['Parameter Sets'] -split ',\s*')
                Aliases     = $yaml['Aliases']
                Required    = $yaml['Required']
                Position    = $yaml['Position']
                Default     = $yaml['Default value']
                Pipeline    = $yaml['Accept pipeline input']
                Wildcard    = $yaml['Accept wildcard characters']
            })
    }

    $syntaxSets = [System.Collections.Generic.List[string]]::new()
    $setSections = Split-Sections $sections['SYNTAX'] '### '
    if ($setSections.Count -eq 0) { $syntaxSets.Add('(All)') }
    foreach ($key in $setSections.Keys) { $syntaxSets.Add(($key -replace '\s*\(Default\)\s*$', '')) }

    $examples = [System.Collections.Generic.List[object]]::new()
    $exampleSections = Split-Sections $sections['EXAMPLES'] '### '
    if ($exampleSections.Count -eq 0) { & $fail 'needs at least one ### example' }
    foreach ($key in $exampleSections.Keys) {
        $parts = Get-Fences $exampleSections[$key]
        if ($parts.Code.Count -eq 0) { & $fail "example '$key' has no code block" }
        $examples.Add([pscustomobject]@{ Title = $key; Code = ($parts.Code -join "`n`n"); Remarks = Get-Paragraphs $parts.Text })
    }

    $typeList = {
        param($section)
        $list = [System.Collections.Generic.List[object]]::new()
        if ($sections.Contains($section)) {
            $s = Split-Sections $sections[$section] '### '
            foreach ($k in $s.Keys) { $list.Add([pscustomobject]@{ Name = $k; Description = Get-Paragraphs $s[$k] }) }
        }
        , $list
    }

    $links = [System.Collections.Generic.List[object]]::new()
    if ($sections.Contains('RELATED LINKS')) {
        foreach ($line in $sections['RELATED LINKS']) {
            if ($line -match '\[([^\]]+)\]\(([^)]*)\)') { $links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] }) }
        }
    }

    [pscustomobject]@{
        Name        = $name
        Synopsis    = (Get-Paragraphs $sections['SYNOPSIS']) -join ' '
        Description = Get-Paragraphs $sections['DESCRIPTION']
        SyntaxSets  = $syntaxSets
        Parameters  = $parameters
        Examples    = $examples
        Inputs      = & $typeList 'INPUTS'
        Outputs     = & $typeList 'OUTPUTS'
        Notes       = if ($sections.Contains('NOTES')) { Get-Paragraphs $sections['NOTES'] } else { @() }
        Links       = $links
    }
}

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Write-Paras([System.Xml.XmlWriter] $w, [string] $element, $paras) {
    $w.WriteStartElement('maml', $element, $ns.maml)
    foreach ($p in @($paras)) { $w.WriteElementString('maml', 'para', $ns.maml, $p) }
    if (@($paras).Count -eq 0) { $w.WriteElementString('maml', 'para', $ns.maml, '') }
    $w.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter] $w, $p, [bool] $inSyntax) {
    $isSwitch = $p.Type -match 'SwitchParameter'
    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', $p.Required.ToLowerInvariant())
    $w.WriteAttributeString('variableLength', ([string]($p.Type -match '\[\]')).ToLowerInvariant())
    $w.WriteAttributeString('globbing', $(if ($p.Wildcard -eq 'True') { 'true' } else { 'false' }))
    $w.WriteAttributeString('pipelineInput', $p.Pipeline)
    $w.WriteAttributeString('position', $(if ($p.Position -eq 'Named') { 'named' } else { $p.Position }))
    $w.WriteAttributeString('aliases', $(if ($p.Aliases) { $p.Aliases } else { 'none' }))
    $w.WriteElementString('maml', 'name', $ns.maml, $p.Name)
    Write-Paras $w 'description' $p.Description
    if (-not ($inSyntax -and $isSwitch)) {
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($p.Type)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, $p.Type)
    $w.WriteElementString('maml', 'uri', $ns.maml, '')
    $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $ns.dev, $(if ($p.Default) { $p.Default } else { 'None' }))
    $w.WriteEndElement()
}

function Write-TypeList([System.Xml.XmlWriter] $w, [string] $outer, [string] $inner, $types) {
    $w.WriteStartElement('command', $outer, $ns.command)
    foreach ($t in $types) {
        $w.WriteStartElement('command', $inner, $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev)
        $w.WriteElementString('maml', 'name', $ns.maml, $t.Name)
        $w.WriteEndElement()
        Write-Paras $w 'description' $t.Description
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
}

New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
$pages = Get-ChildItem -Path $DocsPath -Filter '*-*.md' | Sort-Object Name
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$helpFile = Join-Path $OutputPath $HelpFileName
$w = [System.Xml.XmlWriter]::Create($helpFile, $settings)
try {
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
    foreach ($file in $pages) {
        $page = Read-CommandPage $file.FullName
        $verb, $noun = $page.Name -split '-', 2
        $w.WriteStartElement('command', 'command', $ns.command)
        $w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
        $w.WriteAttributeString('xmlns', 'command', $null, $ns.command)
        $w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)

        $w.WriteStartElement('command', 'details', $ns.command)
        $w.WriteElementString('command', 'name', $ns.command, $page.Name)
        $w.WriteElementString('command', 'verb', $ns.command, $verb)
        $w.WriteElementString('command', 'noun', $ns.command, $noun)
        Write-Paras $w 'description' @($page.Synopsis)
        $w.WriteEndElement()

        Write-Paras $w 'description' $page.Description

        $w.WriteStartElement('command', 'syntax', $ns.command)
        foreach ($set in $page.SyntaxSets) {
            $w.WriteStartElement('command', 'syntaxItem', $ns.command)
            $w.WriteElementString('maml', 'name', $ns.maml, $page.Name)
            $inSet = $page.Parameters | Where-Object { $set -eq '(All)' -or $_.Sets -contains '(All)' -or $_.Sets -contains $set }
            foreach ($p in $inSet) { Write-Parameter $w $p $true }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'parameters', $ns.command)
        foreach ($p in $page.Parameters) { Write-Parameter $w $p $false }
        $w.WriteEndElement()

        Write-TypeList $w 'inputTypes' 'inputType' $page.Inputs
        Write-TypeList $w 'returnValues' 'returnValue' $page.Outputs

        $w.WriteStartElement('maml', 'alertSet', $ns.maml)
        $w.WriteStartElement('maml', 'alert', $ns.maml)
        foreach ($n in $page.Notes) { $w.WriteElementString('maml', 'para', $ns.maml, $n) }
        $w.WriteEndElement()
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'examples', $ns.command)
        foreach ($e in $page.Examples) {
            $w.WriteStartElement('command', 'example', $ns.command)
            $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $($e.Title) --------------------------")
            $w.WriteElementString('dev', 'code', $ns.dev, $e.Code)
            $w.WriteStartElement('dev', 'remarks', $ns.dev)
            foreach ($r in $e.Remarks) { $w.WriteElementString('maml', 'para', $ns.maml, $r) }
            $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'relatedLinks', $ns.command)
        foreach ($l in $page.Links) {
            $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
            $w.WriteElementString('maml', 'linkText', $ns.maml, $l.Text)
            $w.WriteElementString('maml', 'uri', $ns.maml, $l.Uri)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteEndElement() # command
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
}
finally {
    $w.Dispose()
}

# about_ topics: plain text, as PowerShell expects about_*.help.txt.
# A fenced block becomes an indented one, its comments kept as they are, the commands of a
# ```powershell block after a prompt ("PS> ") so that they stand apart from the output after them.
foreach ($about in Get-ChildItem -Path $DocsPath -Filter 'about_*.md') {
    $fence = $null
    $text = foreach ($line in Get-Content -Path $about.FullName) {
        if ($line -match '^```(\w*)') { $fence = if ($null -eq $fence) { $Matches[1] } else { $null }; continue }
        if ($fence -eq 'powershell' -and $line -match '^\S' -and $line -notmatch '^#') { "    PS> $line" }
        elseif ($null -ne $fence) { "    $line" }
        elseif ($line -match '^#+\s+(.*)$') { $Matches[1].ToUpperInvariant() }
        else { $line }
    }
    Set-Content -Path (Join-Path $OutputPath ($about.BaseName + '.help.txt')) -Value $text -Encoding utf8
}

Write-Host "Help: $($pages.Count) cmdlet page(s) -> $helpFile"
