#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, documents, demonstrates and benchmarks WebRtcPS.

.DESCRIPTION
    Run with the pinned PowerShell:  dotnet tool restore; dotnet pwsh ./build.ps1 -Task <Task>

    Build    assemble a loadable module folder in out/WebRtcPS (manifest, assemblies, formats, help)
    Package  Build, then out/WebRtcPS.<version>.nupkg (PSResourceGet's Compress-PSResource): the package
             users install with Install-PSResource
    Docs     compile docs/cmdlets/*.md (platyPS schema) into MAML help (part of Build)
    Test     Deps (when root), Package, then xunit engine tests and Pester module tests; ends with ONE
             line "N passed, N failed, N skipped" summed over both; exit code 1 on any failure
    Demo     the main job: a signaling server on this machine, shown serving
    Bench    the benchmark suite (bench/Invoke-BenchSuite.ps1): WebRtcPS against pion and aiortc (setup,
             RTT, bulk, relayed, many peers, memory) and the signaling server against its Go baseline, in
             one run; writes bench/results/<yyyy-MM-dd>/ (results.md, results.csv, PNG plots). -Quick:
             fewer rounds
    Install  Package, then Install-PSResource it for the current user (Import-Module WebRtcPS by name)
    Deps     as root: apt-get install what the tests need (coturn, Go + pion, aiortc); idempotent
    Fuzz     coverage-guided fuzzing of the wire and text parsers (tests/fuzz/README.md): afl-fuzz (afl++,
             installed as root by tools/deps.sh fuzz) drives the SharpFuzz harnesses for -Minutes in all;
             prints inputs executed and edges found per parser; exit code 1 on any crash or hang
    Clean    remove build output
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Package', 'Docs', 'Test', 'Demo', 'Bench', 'Install', 'Deps', 'Fuzz', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Test: only xunit tests whose name matches this dotnet-test filter.
    [string] $Filter,

    # Test: skip the engine (xunit) or module (Pester) half.
    [switch] $SkipEngineTests,
    [switch] $SkipModuleTests,

    # Fuzz: the whole run's length, shared equally by the targets (at least 10 s each).
    [double] $Minutes = 10,

    # Bench: fewer rounds.
    [switch] $Quick,

    # Fuzz: only these targets (names as `dotnet WebRtcPS.Fuzz.dll list` prints them).
    [string[]] $FuzzTarget
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'WebRtcPS'
$ResultsDir = Join-Path $Out 'test-results'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments, [switch] $AllowFailure)
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor DarkGray
    & $Command @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0 -and -not $AllowFailure) { throw "$Command exited with $LASTEXITCODE" }
    return $LASTEXITCODE
}

# This same pwsh, whether it is a native pwsh or the dotnet tool (dotnet <tools>/pwsh.dll).
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ($process -match 'dotnet(\.exe)?$') { return @($process, [Reflection.Assembly]::GetEntryAssembly().Location) }
    return @($process)
}

function Test-IsRoot { (& id -u) -eq '0' }

function Invoke-Deps {
    $script = Join-Path $Root 'tools/deps.sh'
    if (-not (Test-IsRoot)) {
        Write-Warning 'Deps: not root; external peers (Go/pion, aiortc, coturn) are installed only as root. Tests that need them will skip outside CI.'
        return
    }
    $null = Invoke-Native bash @($script)
}

function Invoke-Docs {
    $helpDir = Join-Path $ModuleOut 'en-US'
    New-Item -ItemType Directory -Force -Path $helpDir | Out-Null
    & (Join-Path $Root 'tools/Build-Help.ps1') -DocsPath (Join-Path $Root 'docs/cmdlets') -OutputPath $helpDir
}

# name -> path of the ASP.NET Core runtime pack's assemblies for $Rid (restored by the SDK, which
# picks the version of its own shared framework).
function Get-AspNetCoreRuntime([string] $Rid) {
    $list = Join-Path $Out "aspnetcore-$Rid.txt"
    $project = Join-Path $Root 'tools/AspNetCoreRuntime/AspNetCoreRuntime.csproj'
    $null = Invoke-Native dotnet @('msbuild', $project, '-restore', '-t:WriteAspNetCoreRuntimeList', "-p:RuntimeIdentifier=$Rid",
        "-p:ListPath=$list", '-nologo', '-v:q')
    $map = @{}
    foreach ($path in Get-Content $list) { $map[[IO.Path]::GetFileNameWithoutExtension($path)] = $path }
    return $map
}

# The names of the assemblies $Roots reference, directly or through each other, among $Available.
function Get-ReferenceClosure([string[]] $Roots, [hashtable] $Available) {
    $found = [ordered]@{}
    $queue = [Collections.Generic.Queue[string]]::new()
    foreach ($r in $Roots) { $queue.Enqueue($r) }
    while ($queue.Count) {
        $stream = [IO.File]::OpenRead($queue.Dequeue())
        try {
            $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
            $md = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            foreach ($h in $md.AssemblyReferences) {
                $name = $md.GetString($md.GetAssemblyReference($h).Name)
                if ($Available.ContainsKey($name) -and -not $found.Contains($name)) {
                    $found[$name] = $Available[$name]
                    $queue.Enqueue($Available[$name])
                }
            }
            $pe.Dispose()
        }
        finally { $stream.Dispose() }
    }
    return $found
}

# The one version: <Version> in Directory.Build.props (assemblies, manifest, package).
function Get-ModuleVersion {
    [xml] $props = Get-Content -Raw (Join-Path $Root 'Directory.Build.props')
    return [string] ($props.Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1)
}

# CHANGELOG.md's section for $Version, the manifest's ReleaseNotes.
function Get-ReleaseNotes([string] $Version) {
    $text = Get-Content -Raw (Join-Path $Root 'CHANGELOG.md')
    $m = [regex]::Match($text, "(?ms)^## $([regex]::Escape($Version))\s*\r?\n(.*?)(?=^## |\z)")
    if (-not $m.Success) { throw "CHANGELOG.md has no section '## $Version'" }
    return $m.Groups[1].Value.Trim()
}

# Writes the version and release notes into the built manifest.
function Set-ManifestRelease([string] $Path) {
    $version = Get-ModuleVersion
    $notes = (Get-ReleaseNotes $version) -replace "'", "''"
    $text = Get-Content -Raw $Path
    $text = $text -replace "ModuleVersion(\s*)= '0\.0\.0'", "ModuleVersion`$1= '$version'"
    $text = $text.Replace("ReleaseNotes = ''", "ReleaseNotes = '$notes'")
    Set-Content -Path $Path -Value $text -NoNewline
}

# The module folder. At the top the bridge, WebRtcPS.dll (the cmdlets), which PowerShell loads into
# its default AssemblyLoadContext; everything else in Dependencies/, which PowerShell does not probe
# and the module loads into its own context (src/WebRtcPS/ModuleLoadContext.cs): our engine and
# signaling, BouncyCastle, and in Dependencies/AspNetCore the ASP.NET Core and Microsoft.Extensions
# assemblies they reference (taken from the runtime pack; used when the machine has no matching
# shared framework beside its runtime, as in every self-contained PowerShell).
function Invoke-Build {
    $null = Invoke-Native dotnet @('build', (Join-Path $Root 'src/WebRtcPS/WebRtcPS.csproj'), '-c', $Configuration, '-nologo', '-v', 'q', '-clp:ErrorsOnly;NoSummary')
    $bin = Join-Path $Root "src/WebRtcPS/bin/$Configuration/net10.0"
    if (Test-Path $ModuleOut) { Remove-Item -Recurse -Force $ModuleOut }
    $deps = Join-Path $ModuleOut 'Dependencies'
    $carried = Join-Path $deps 'AspNetCore'
    New-Item -ItemType Directory -Force -Path $carried | Out-Null
    $aspNetCore = Get-AspNetCoreRuntime 'linux-x64'

    Copy-Item (Join-Path $bin 'WebRtcPS.dll'), (Join-Path $bin 'WebRtcPS.pdb') $ModuleOut
    # pwsh supplies System.Management.Automation (a reference only); the ASP.NET Core pack's
    # assemblies (Microsoft.Extensions.Logging.Abstractions) are carried from the pack below.
    foreach ($dll in Get-ChildItem $bin -Filter *.dll) {
        if ($dll.BaseName -eq 'WebRtcPS' -or $aspNetCore.ContainsKey($dll.BaseName)) { continue }
        Copy-Item $dll.FullName $deps
        $pdb = [IO.Path]::ChangeExtension($dll.FullName, '.pdb')
        if (Test-Path $pdb) { Copy-Item $pdb $deps }
    }
    $needed = Get-ReferenceClosure -Roots (Get-ChildItem $deps -Filter *.dll).FullName -Available $aspNetCore
    foreach ($path in $needed.Values) { Copy-Item $path $carried }

    Copy-Item (Join-Path $Root 'module/*'), (Join-Path $Root 'LICENSE') $ModuleOut
    Set-ManifestRelease (Join-Path $ModuleOut 'WebRtcPS.psd1')
    Invoke-Docs
    Write-Host "Built module: $ModuleOut ($($needed.Count) ASP.NET Core assemblies carried)" -ForegroundColor Green
}

function Get-PesterPath {
    $nugetRoot = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $manifest = Join-Path $nugetRoot 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $manifest)) {
        $null = Invoke-Native dotnet @('restore', (Join-Path $Root 'tools/Pester.Download.csproj'), '-nologo', '-v', 'q')
    }
    if (-not (Test-Path $manifest)) { throw "Pester 5.7.1 not found at $manifest after restore" }
    return $manifest
}

function Read-TrxCounts([string] $Path) {
    [xml] $trx = Get-Content -Raw $Path
    $c = $trx.TestRun.ResultSummary.Counters
    $results = @($trx.TestRun.Results.UnitTestResult)
    $skips = @(foreach ($r in $results) {
        if ($r.outcome -eq 'NotExecuted') {
            [pscustomobject]@{ Name = [string] $r.testName; Reason = [string] $r.Output.ErrorInfo.Message }
        }
    })
    $failures = @(foreach ($r in $results) {
        if ($r.outcome -in 'Failed', 'Error', 'Timeout', 'Aborted') {
            [pscustomobject]@{ Name = [string] $r.testName; Reason = [string] $r.Output.ErrorInfo.Message }
        }
    })
    [pscustomobject]@{ Passed = [int] $c.passed; Failed = [int] $c.failed + [int] $c.error + [int] $c.timeout + [int] $c.aborted; Skipped = [int] $c.notExecuted; Skips = $skips; Failures = $failures }
}

# A skipped test in CI (WRTC_REQUIRE_INTEROP=1) counts as failed unless tests/skip-allowlist.txt names
# it with a reason: a green CI run then means every test ran. Lines: `<wildcard on the test's full
# name> | <reason>`; # starts a comment.
function Read-SkipAllowList {
    $path = Join-Path $Root 'tests/skip-allowlist.txt'
    if (-not (Test-Path $path)) { return @() }
    @(foreach ($line in Get-Content $path) {
        $t = $line.Trim()
        if (-not $t -or $t.StartsWith('#')) { continue }
        $parts = $t.Split('|', 2)
        if ($parts.Count -lt 2 -or -not $parts[1].Trim()) { throw "tests/skip-allowlist.txt: '$t' has no reason (pattern | reason)" }
        [pscustomobject]@{ Pattern = $parts[0].Trim(); Reason = $parts[1].Trim() }
    })
}

function Resolve-Skips($Counts, [string] $Part) {
    if (-not ($env:WRTC_REQUIRE_INTEROP -in '1', 'true', 'True')) { return }
    $allow = Read-SkipAllowList
    $listed = @($Counts.Skips | Where-Object { $_ })
    $unnamed = $Counts.Skipped - $listed.Count
    foreach ($skip in $listed) {
        $rule = $allow | Where-Object { $skip.Name -like $_.Pattern } | Select-Object -First 1
        if ($rule) {
            Write-Host "$Part skipped (allowed: $($rule.Reason)): $($skip.Name)" -ForegroundColor Yellow
        } else {
            Write-Host "$Part skipped, not on tests/skip-allowlist.txt (counted as failed): $($skip.Name) $(if ($skip.Reason) { "- $($skip.Reason)" })" -ForegroundColor Red
            $Counts.Failed += 1; $Counts.Skipped -= 1
        }
    }
    # Skips the runner counted but did not list (a whole container skipped) cannot be checked.
    if ($unnamed -gt 0) {
        Write-Host "$Part $unnamed skipped test(s) without names (counted as failed)" -ForegroundColor Red
        $Counts.Failed += $unnamed; $Counts.Skipped -= $unnamed
    }
}

function Invoke-EngineTests {
    $trx = Join-Path $ResultsDir 'engine.trx'
    Remove-Item $trx -ErrorAction SilentlyContinue
    # The hang guard (per test) stays above every test's own patience (at most 8 minutes: FullStackLossTests;
    # SctpBulkTransferTests 5), so a slow test fails with its own message rather than a dump.
    $testArgs = @('test', (Join-Path $Root 'tests/WebRtcPS.Engine.Tests/WebRtcPS.Engine.Tests.csproj'), '-c', $Configuration, '-nologo',
        '--logger', 'trx;LogFileName=engine.trx', '--logger', 'console;verbosity=normal', '--results-directory', $ResultsDir,
        '--blame-hang-timeout', '10m')
    if ($Filter) { $testArgs += @('--filter', $Filter) }
    $code = Invoke-Native dotnet $testArgs -AllowFailure
    if (-not (Test-Path $trx)) {
        Write-Warning "xunit run produced no results (exit $code)"
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counts = Read-TrxCounts $trx
    if ($code -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 } # the run itself broke (crash, hang)
    return $counts
}

function Invoke-ModuleTests([string] $package) {
    $pester = Get-PesterPath
    $resultFile = Join-Path $ResultsDir 'pester.json'
    Remove-Item $resultFile -ErrorAction SilentlyContinue
    # A fresh process: the module under test is loaded once, as a user would load it.
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester' -Force
`$env:WRTC_MODULE_PATH = '$(Join-Path $ModuleOut 'WebRtcPS.psd1')'
`$env:WRTC_PACKAGE_PATH = '$package'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $Root 'tests/Pester')'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$config.TestResult.Enabled = `$true
`$config.TestResult.OutputPath = '$(Join-Path $ResultsDir 'pester.xml')'
`$r = Invoke-Pester -Configuration `$config
`$skips = @(`$r.Skipped | ForEach-Object { @{ Name = `$_.ExpandedPath; Reason = '' } })
`$failures = @(`$r.Failed | ForEach-Object { @{ Name = `$_.ExpandedPath; Reason = [string] (`$_.ErrorRecord | Select-Object -First 1) } }) +
    @(`$r.FailedBlocks + `$r.FailedContainers | ForEach-Object { @{ Name = [string] `$_; Reason = [string] (`$_.ErrorRecord | Select-Object -First 1) } })
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount; Skips = `$skips; Failures = `$failures } |
    ConvertTo-Json -Depth 4 | Set-Content -Path '$resultFile'
"@
    $pwsh = @(Get-PwshCommand)
    $pwshArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)
    $code = Invoke-Native $pwsh[0] $pwshArgs -AllowFailure
    if (-not (Test-Path $resultFile)) {
        Write-Warning "Pester run produced no results (exit $code)"
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    return Get-Content -Raw $resultFile | ConvertFrom-Json
}

function Invoke-Test {
    if (Test-IsRoot) { Invoke-Deps }
    $package = Invoke-Package
    New-Item -ItemType Directory -Force -Path $ResultsDir | Out-Null
    $total = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $parts = @()
    if (-not $SkipEngineTests) { $parts += , @('engine (xunit)', (Invoke-EngineTests)) }
    if (-not $SkipModuleTests) { $parts += , @('module (Pester)', (Invoke-ModuleTests $package)) }
    foreach ($part in $parts) {
        $c = $part[1]
        Resolve-Skips $c $part[0]
        Write-Host ("{0,-16} {1} passed, {2} failed, {3} skipped" -f $part[0], $c.Passed, $c.Failed, $c.Skipped)
        $total.Passed += $c.Passed; $total.Failed += $c.Failed; $total.Skipped += $c.Skipped
    }
    # The failures again, last: a CI log is often read from its tail only.
    foreach ($part in $parts) {
        foreach ($f in @($part[1].Failures | Where-Object { $_ })) {
            $reason = ([string] $f.Reason) -replace '\s+', ' '
            if ($reason.Length -gt 400) { $reason = $reason.Substring(0, 400) + '...' }
            Write-Host ("FAILED {0}: {1} - {2}" -f $part[0], $f.Name, $reason) -ForegroundColor Red
        }
    }
    Write-Host ("{0} passed, {1} failed, {2} skipped" -f $total.Passed, $total.Failed, $total.Skipped)
    if ($total.Failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    & (Join-Path $Root 'tools/Demo.ps1') -ModulePath (Join-Path $ModuleOut 'WebRtcPS.psd1')
}

# One run of every figure against pion and aiortc (bench/Invoke-BenchSuite.ps1). The other
# benchmarks (bench/chromium, bench/startup, bench/natlab, bench/datachannel, bench/ice) run on
# their own: see their READMEs.
function Invoke-Bench {
    & (Join-Path $Root 'bench/Invoke-BenchSuite.ps1') -Quick:$Quick
}

# The platforms most PowerShell users have. The package carries ReadyToRun images for each
# (precompiled code: far less JIT on a process's first connection); any other platform runs the IL.
$ReadyToRunRids = 'linux-x64', 'linux-arm64', 'win-x64', 'osx-arm64'

# Dependencies/<rid>: ReadyToRun images of our assemblies and BouncyCastle for each of
# $ReadyToRunRids (a framework-dependent ReadyToRun publish, with the Crossgen2 pack), and
# Dependencies/<rid>/AspNetCore: the same ASP.NET Core assemblies as Dependencies/AspNetCore, from
# that platform's runtime pack (whose images are ReadyToRun for it). Dependencies/AspNetCore is
# linux-x64's, so linux-x64 gets none of its own.
#
# Crossgen2 is asked for more than its per-assembly default (what the first connection otherwise
# JIT-compiles, bench/startup/README.md): --non-local-generics-module:* lets an image hold CoreLib's
# generics instantiated over its own types (the async state machine boxes and builders of every
# async method, Dictionary<ushort, ...> over our keys), and --opt-cross-module:* lets it inline
# framework code into them; the runtime checks each such body against the IL it loads (a serviced
# framework whose IL differs falls back to the JIT). The cmdlets are compiled against the
# System.Management.Automation the package references, whose runtime assembly is the one pwsh 7.6
# loads (the SDK passes crossgen2 only assemblies it publishes, and pwsh supplies that one).
function Add-ReadyToRun {
    $deps = Join-Path $ModuleOut 'Dependencies'
    $ours = (Get-ChildItem $deps -Filter *.dll).Name
    $carried = (Get-ChildItem (Join-Path $deps 'AspNetCore') -Filter *.dll).BaseName
    $nugetRoot = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    [xml] $bridgeProject = Get-Content -Raw (Join-Path $Root 'src/WebRtcPS/WebRtcPS.csproj')
    $smaVersion = $bridgeProject.SelectSingleNode("//PackageReference[@Include='System.Management.Automation']").Version
    foreach ($rid in $ReadyToRunRids) {
        $publish = Join-Path $Out "readytorun/$rid"
        if (Test-Path $publish) { Remove-Item -Recurse -Force $publish }
        # The SDK's incremental check does not see crossgen2's arguments: images left from other
        # arguments would be published as they are.
        $images = Join-Path $Root "src/WebRtcPS/obj/$Configuration/net10.0/$rid/R2R"
        if (Test-Path $images) { Remove-Item -Recurse -Force $images }
        $flavour = if ($rid -like 'win-*') { 'win' } else { 'unix' }
        $sma = Join-Path $nugetRoot "system.management.automation/$smaVersion/runtimes/$flavour/lib/net10.0/System.Management.Automation.dll"
        if (-not (Test-Path $sma)) { throw "System.Management.Automation $smaVersion ($flavour) not restored: $sma" }
        $crossgenArgs = @('--opt-cross-module:*', '--non-local-generics-module:*', "-r:$sma") -join '%3B'
        $null = Invoke-Native dotnet @('publish', (Join-Path $Root 'src/WebRtcPS/WebRtcPS.csproj'), '-c', $Configuration, '-r', $rid,
            '--self-contained', 'false', '-p:PublishReadyToRun=true', "-p:PublishReadyToRunCrossgen2ExtraArgs=$crossgenArgs",
            '-o', $publish, '-nologo', '-v', 'q', '-clp:ErrorsOnly;NoSummary')
        $target = New-Item -ItemType Directory -Force -Path (Join-Path $deps $rid)
        foreach ($name in $ours) { Copy-Item (Join-Path $publish $name) $target }
        # The cmdlets: one file in the module folder (PowerShell loads it by path, and choosing a
        # platform's image in WebRtcPS.psm1 cost more than it saved), linux-x64's image: its
        # precompiled code runs there, every other platform JIT-compiles its IL as before.
        if ($rid -eq 'linux-x64') { Copy-Item (Join-Path $publish 'WebRtcPS.dll') $ModuleOut }
        if ($rid -eq 'linux-x64') { continue }
        $pack = Get-AspNetCoreRuntime $rid
        $aspTarget = New-Item -ItemType Directory -Force -Path (Join-Path $target 'AspNetCore')
        foreach ($name in $carried) { Copy-Item $pack[$name] $aspTarget }
    }
}

# out/WebRtcPS.<version>.nupkg, the package users install (PSResourceGet, as from a gallery).
function Invoke-Package {
    Invoke-Build
    Add-ReadyToRun
    Get-ChildItem $Out -Filter 'WebRtcPS.*.nupkg' | Remove-Item
    Compress-PSResource -Path $ModuleOut -DestinationPath $Out
    $package = Join-Path $Out "WebRtcPS.$(Get-ModuleVersion).nupkg"
    if (-not (Test-Path $package)) { throw "Compress-PSResource made no $package" }
    Write-Host "Package: $package ($([math]::Round((Get-Item $package).Length / 1MB, 1)) MB)" -ForegroundColor Green
    return $package
}

# The package, installed the usual way: Install-PSResource from a file repository holding only it
# (registered for the duration of the install).
function Invoke-Install {
    $package = Invoke-Package
    $feed = Join-Path $Out 'feed'
    if (Test-Path $feed) { Remove-Item -Recurse -Force $feed }
    New-Item -ItemType Directory -Path $feed | Out-Null
    Copy-Item $package $feed
    $repository = 'WebRtcPS-build'
    Register-PSResourceRepository -Name $repository -Uri $feed -Trusted -Force
    try {
        Install-PSResource -Name WebRtcPS -Version (Get-ModuleVersion) -Repository $repository -Scope CurrentUser -Reinstall -TrustRepository
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }
    $installed = Get-InstalledPSResource -Name WebRtcPS -Version (Get-ModuleVersion) -Scope CurrentUser
    Write-Host "Installed WebRtcPS $($installed.Version) under $($installed.InstalledLocation); now: Import-Module WebRtcPS" -ForegroundColor Green
}

# tests/fuzz/README.md. The harnesses published to out/fuzz/bin with our two assemblies instrumented
# by SharpFuzz (afl edge coverage), then each target under afl-fuzz from its seed corpus.
function Invoke-Fuzz {
    if (Test-IsRoot) { $null = Invoke-Native bash @((Join-Path $Root 'tools/deps.sh'), 'fuzz') }
    $afl = Get-Command afl-fuzz -ErrorAction SilentlyContinue
    if (-not $afl) { throw 'afl-fuzz not found: as root, bash tools/deps.sh fuzz installs afl++' }
    $fuzzOut = Join-Path $Out 'fuzz'
    $bin = Join-Path $fuzzOut 'bin'
    if (Test-Path $bin) { Remove-Item -Recurse -Force $bin } # a fresh publish: instrumenting twice fails
    $null = Invoke-Native dotnet @('publish', (Join-Path $Root 'tests/fuzz/WebRtcPS.Fuzz/WebRtcPS.Fuzz.csproj'), '-c', 'Release',
        '-o', $bin, '-nologo', '-v', 'q', '-clp:ErrorsOnly;NoSummary')
    $null = Invoke-Native dotnet @('tool', 'restore')
    foreach ($assembly in 'WebRtcPS.Engine.dll', 'WebRtcPS.Signaling.dll') {
        $null = Invoke-Native dotnet @('tool', 'run', 'sharpfuzz', (Join-Path $bin $assembly))
    }
    $dotnet = (Get-Command dotnet).Source
    $harness = Join-Path $bin 'WebRtcPS.Fuzz.dll'
    $targets = @(if ($FuzzTarget) { $FuzzTarget -split ',' } else { & $dotnet $harness list })
    $seconds = [math]::Max(10, [int]($Minutes * 60 / $targets.Count))
    # dotnet is not afl-instrumented (SharpFuzz instruments the assemblies); no UI; the machine's
    # core_pattern and CPU governor are left alone; starting the runtime takes seconds.
    $env:AFL_SKIP_BIN_CHECK = '1'; $env:AFL_NO_UI = '1'; $env:AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES = '1'
    $env:AFL_SKIP_CPUFREQ = '1'; $env:AFL_NO_AFFINITY = '1'; $env:AFL_FORKSRV_INIT_TMOUT = '60000'
    $rows = foreach ($t in $targets) {
        $findings = Join-Path $fuzzOut "findings/$t"
        if (Test-Path $findings) { Remove-Item -Recurse -Force $findings }
        New-Item -ItemType Directory -Force -Path (Split-Path $findings) | Out-Null
        Write-Host "== $t ($seconds s)" -ForegroundColor Cyan
        # -t: an input taking over 5 s is a hang; -m none: the runtime reserves far more address space than it uses.
        & $afl.Source -i (Join-Path $bin "corpus/$t") -o $findings -V $seconds -t 5000 -m none -- $dotnet $harness $t *> (Join-Path $fuzzOut "$t.log")
        $statsPath = Join-Path $findings 'default/fuzzer_stats'
        if (-not (Test-Path $statsPath)) { throw "afl-fuzz did not run $t; see $(Join-Path $fuzzOut "$t.log")" }
        $stats = @{}
        foreach ($line in Get-Content $statsPath) {
            $name, $value = $line -split '\s*:\s*', 2
            $stats[$name.Trim()] = $value
        }
        [pscustomobject]@{
            Target = $t; Seconds = [int] $stats.run_time; Inputs = [long] $stats.execs_done
            PerSecond = [int] [double] $stats.execs_per_sec; Edges = [int] $stats.edges_found
            Corpus = [int] $stats.corpus_count; Crashes = [int] $stats.saved_crashes; Hangs = [int] $stats.saved_hangs
        }
    }
    $rows | Format-Table -AutoSize | Out-Host
    $rows | ConvertTo-Json | Set-Content (Join-Path $fuzzOut 'summary.json')
    $found = @($rows | Where-Object { $_.Crashes -gt 0 -or $_.Hangs -gt 0 })
    foreach ($r in $found) {
        $dir = Join-Path $fuzzOut "findings/$($r.Target)/default"
        Write-Warning "$($r.Target): $($r.Crashes) crash(es), $($r.Hangs) hang(s) in $dir; reproduce (an uninstrumented build: dotnet build tests/fuzz/WebRtcPS.Fuzz -c Release): dotnet $(Join-Path $Root "tests/fuzz/WebRtcPS.Fuzz/bin/Release/net10.0/WebRtcPS.Fuzz.dll") replay $($r.Target) $dir/crashes $dir/hangs"
    }
    if ($found) { exit 1 }
}

foreach ($t in $Task) {
    switch ($t) {
        'Deps' { Invoke-Deps }
        'Fuzz' { Invoke-Fuzz }
        'Build' { Invoke-Build }
        'Package' { $null = Invoke-Package }
        'Docs' { Invoke-Docs }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Install' { Invoke-Install }
        'Clean' { if (Test-Path $Out) { Remove-Item -Recurse -Force $Out } }
    }
}
