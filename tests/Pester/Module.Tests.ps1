BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $manifest = Import-PowerShellDataFile (Get-WrtcTestModulePath)
    $script:Cmdlets = $manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
}

Describe 'WebRtcPS module' -Tag 'CI' {
    It 'imports by manifest and exports exactly the manifest''s cmdlets' {
        $module = Get-Module WebRtcPS
        $module | Should -Not -BeNullOrEmpty
        $manifest = Import-PowerShellDataFile (Get-WrtcTestModulePath)
        ($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'has the about_WebRtcPS topic' {
        (Get-Help about_WebRtcPS | Out-String) | Should -Match 'WebRtcPS tests and scripts WebRTC connections'
    }

    It 'has the about_WebRtcPS_Troubleshooting topic, with each NAT type' {
        $text = Get-Help about_WebRtcPS_Troubleshooting | Out-String
        $text | Should -Match 'what WebRtcPS prints behind each kind of NAT'
        foreach ($heading in 'FULL CONE', 'ADDRESS-RESTRICTED', 'PORT-RESTRICTED', 'SYMMETRIC', 'UDP BLOCKED', 'PORTS TO OPEN') { $text | Should -Match $heading }
    }
}

Describe 'Help for <Name>' -Tag 'CI' -ForEach $Cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
        $docPage = Join-Path $PSScriptRoot "../../docs/cmdlets/$Name.md"
    }

    It 'has a docs/cmdlets page' {
        $docPage | Should -Exist
    }

    It 'has a synopsis and a description from the compiled help' {
        $help.Synopsis | Should -Not -Match "^\s*$Name\s*\["   # not the auto-generated syntax stub
        $help.Synopsis.Length | Should -BeGreaterThan 10
        ($help.description | Out-String).Trim().Length | Should -BeGreaterThan 20
    }

    It 'is listed in about_WebRtcPS and links to related topics' {
        (Get-Help about_WebRtcPS | Out-String) | Should -Match "\b$([regex]::Escape($Name))\b"
        @($help.relatedLinks.navigationLink).Count | Should -BeGreaterThan 1
    }

    It 'has at least one example with code' {
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $help.examples.example[0].code | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter and nothing else' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $actual = $command.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object
        $documented = @($help.parameters.parameter.name) | Where-Object { $_ -notin $common } | Sort-Object
        $documented | Should -Be $actual
    }
}
