# Shared by the Pester tests: where the built module is, and how interop tests decide to skip.

function Get-WrtcTestModulePath {
    if ($env:WRTC_MODULE_PATH) { return $env:WRTC_MODULE_PATH }
    return (Join-Path $PSScriptRoot '../../out/WebRtcPS/WebRtcPS.psd1')
}

# True when tests that need external peers must run (CI): a missing dependency is then a failure.
function Test-WrtcInteropRequired { $env:WRTC_REQUIRE_INTEROP -in '1', 'true', 'True' }

# Why tests that build network namespaces cannot run here ($null when they can): Linux, root, ip.
function Get-WrtcNamespaceSkipReason {
    if (-not $IsLinux) { return 'network namespaces need Linux' }
    if ((& id -u) -ne '0') { return 'network namespaces need root' }
    if (-not (Get-Command ip -ErrorAction SilentlyContinue)) { return 'ip (iproute2) is not installed' }
    return $null
}

Export-ModuleMember -Function Get-WrtcTestModulePath, Test-WrtcInteropRequired, Get-WrtcNamespaceSkipReason
