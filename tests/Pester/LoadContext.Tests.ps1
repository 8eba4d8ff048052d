# The bridge (issue 12): PowerShell loads only WebRtcPS.dll, the cmdlets; everything they use loads
# in the module's own AssemblyLoadContext "WebRtcPS" from the module's Dependencies folder (or,
# for ASP.NET Core, from the machine's matching shared framework when there is one).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force
    $moduleBase = Split-Path (Get-WrtcTestModulePath)

    function Get-LoadContextName([string] $AssemblyName) {
        @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $AssemblyName } |
                ForEach-Object { [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name })
    }
}

Describe 'The module''s assembly bridge' -Tag 'CI' {
    It 'WebRtcPS.dll references only the runtime, PowerShell and our own assemblies' {
        # A reference to anything else (Microsoft.Extensions.*, BouncyCastle, ASP.NET Core) would be
        # resolved in PowerShell's default context, where another module's copy may already be.
        $stream = [IO.File]::OpenRead((Join-Path $moduleBase 'WebRtcPS.dll'))
        try {
            $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
            $md = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            $names = foreach ($h in $md.AssemblyReferences) { $md.GetString($md.GetAssemblyReference($h).Name) }
            $pe.Dispose()
        }
        finally { $stream.Dispose() }
        $others = $names | Where-Object { $_ -notmatch '^(System(\..+)?|mscorlib|netstandard|System\.Management\.Automation|WebRtcPS\.(Engine|Signaling))$' }
        $others | Should -BeNullOrEmpty
    }

    It 'keeps every other assembly in Dependencies/, out of PowerShell''s probing path' {
        (Get-ChildItem $moduleBase -Filter *.dll).Name | Should -Be 'WebRtcPS.dll'
        Join-Path $moduleBase 'Dependencies/WebRtcPS.Engine.dll' | Should -Exist
        Join-Path $moduleBase 'Dependencies/BouncyCastle.Cryptography.dll' | Should -Exist
        Join-Path $moduleBase 'Dependencies/StackExchange.Redis.dll' | Should -Exist
        Join-Path $moduleBase 'Dependencies/AspNetCore/Microsoft.AspNetCore.Server.Kestrel.Core.dll' | Should -Exist
    }

    It 'loads the engine, signaling and Kestrel in the module''s own context, and no BouncyCastle for our own DTLS' {
        $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1
        $server | Stop-WrtcSignalingServer -Confirm:$false
        (Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 30).Success | Should -BeTrue
        foreach ($name in 'WebRtcPS.Engine', 'WebRtcPS.Signaling', 'Microsoft.AspNetCore.Server.Kestrel.Core', 'Microsoft.Extensions.Logging.Abstractions') {
            Get-LoadContextName $name | Should -Be 'WebRtcPS' -Because $name
        }
        Get-LoadContextName 'WebRtcPS' | Should -Be 'Default'
        # The engine's own DTLS is the default: a connection no longer loads BouncyCastle at all.
        Get-LoadContextName 'BouncyCastle.Cryptography' | Should -BeNullOrEmpty
    }

    It 'loads BouncyCastle in the module''s own context for BouncyCastle''s DTLS (WRTC_DTLS=bc, a pwsh of its own)' {
        $module = (Resolve-Path (Get-WrtcTestModulePath)).Path
        $pwsh = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
            @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))     # pwsh as a dotnet tool
        }
        else { @([Environment]::ProcessPath) }
        $script = "Import-Module '$module'; `$ok = (Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 30).Success; " +
            "`$bc = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'BouncyCastle.Cryptography' }; " +
            "@{ Success = `$ok; Context = @(`$bc | ForEach-Object { [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }) } | ConvertTo-Json -Compress"
        $previous = $env:WRTC_DTLS
        $env:WRTC_DTLS = 'bc'
        try { $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script }
        finally { $env:WRTC_DTLS = $previous }
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $result = ($out -join "`n") | ConvertFrom-Json
        $result.Success | Should -BeTrue
        $result.Context | Should -Be 'WebRtcPS'
    }

    It 'loads StackExchange.Redis in the module''s own context for -Redis (a redis-server of the test''s own, on a free loopback port)' {
        $redisServer = (Get-Command redis-server -ErrorAction SilentlyContinue).Source
        if (-not $redisServer) { Set-ItResult -Skipped -Because 'redis-server not installed (tools/deps.sh installs it)'; return }
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $redis = Start-Process $redisServer -ArgumentList '--port', $port, '--bind', '127.0.0.1', '--save', '""', '--appendonly', 'no' -PassThru -RedirectStandardOutput ([IO.Path]::GetTempFileName())
        try {
            $server = $null
            for ($i = 0; $i -lt 100 -and -not $server; $i++) {
                try { $c = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $port); $c.Dispose(); $server = Start-WrtcSignalingServer -Port 0 -ListenAddress 127.0.0.1 -Redis "127.0.0.1:$port" }
                catch [System.Net.Sockets.SocketException] { Start-Sleep -Milliseconds 100 }
            }
            try {
                $health = Invoke-RestMethod "$($server.Url)health"
                $health.redis.connected | Should -BeTrue
                Get-LoadContextName 'StackExchange.Redis' | Should -Be 'WebRtcPS'
            } finally { $server | Stop-WrtcSignalingServer -Confirm:$false }
        } finally { Stop-Process -Id $redis.Id -Force }
    }

    It 'takes ASP.NET Core from the machine''s shared framework when it matches the runtime' {
        $shared = Join-Path ([Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()) "../../Microsoft.AspNetCore.App/$([Environment]::Version.ToString(3))"
        if (-not (Test-Path $shared)) { Set-ItResult -Skipped -Because 'this PowerShell has no ASP.NET Core beside its runtime (StockRuntime.Tests covers the carried copy)'; return }
        $kestrel = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.AspNetCore.Server.Kestrel.Core' }
        (Split-Path $kestrel.Location) | Should -Be (Resolve-Path $shared).Path
    }
}
