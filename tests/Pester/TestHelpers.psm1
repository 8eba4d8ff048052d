# Shared by the Pester tests: where the built module is, and how interop tests decide to skip.

function Get-WrtcTestModulePath {
    if ($env:WRTC_MODULE_PATH) { return $env:WRTC_MODULE_PATH }
    return (Join-Path $PSScriptRoot '../../out/WebRtcPS/WebRtcPS.psd1')
}

# True when tests that need external peers must run (CI): a missing dependency is then a failure.
function Test-WrtcInteropRequired { $env:WRTC_REQUIRE_INTEROP -in '1', 'true', 'True' }

Export-ModuleMember -Function Get-WrtcTestModulePath, Test-WrtcInteropRequired
