# Nothing left behind through the cmdlets: 200 local connectivity checks (Test-WrtcConnection
# connects an offerer and an answerer through a signaling server of its own, sends greetings and
# closes everything) in this one pwsh process, then sockets, threads outside the thread pool,
# active timers and managed memory back at their baseline within a small tolerance.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-WrtcTestModulePath) -Force

    function Get-ProcessCount {
        foreach ($i in 1..3) {
            [GC]::Collect([GC]::MaxGeneration, [GCCollectionMode]::Forced, $true, $true)
            [GC]::WaitForPendingFinalizers()
        }
        $sockets = 0
        foreach ($fd in [System.IO.Directory]::EnumerateFileSystemEntries('/proc/self/fd')) {
            try { if ("$([System.IO.FileInfo]::new($fd).LinkTarget)".StartsWith('socket:')) { $sockets++ } } catch [System.IO.IOException] { }
        }
        $process = [System.Diagnostics.Process]::GetCurrentProcess()
        [pscustomobject]@{
            Sockets      = $sockets
            OwnThreads   = $process.Threads.Count - [System.Threading.ThreadPool]::ThreadCount
            Timers       = [System.Threading.Timer]::ActiveCount
            ManagedBytes = [GC]::GetTotalMemory($true)
        }
    }

    # Closing finishes in the background: sample until the counts are back (at most 15 s).
    function Wait-ProcessCount($Baseline) {
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        do {
            $now = Get-ProcessCount
            if ($now.Sockets -le $Baseline.Sockets -and $now.Timers -le $Baseline.Timers + 2 -and
                $now.ManagedBytes -le $Baseline.ManagedBytes + 8MB) { return $now }
            Start-Sleep -Milliseconds 500
        } while ([DateTime]::UtcNow -lt $deadline)
        $now
    }

    function Invoke-Check([int] $Index) {
        $r = Test-WrtcConnection -Interface 127.0.0.1 -TimeoutSec 30
        if (-not $r.Success) { throw "check $Index failed: $($r.Error)" }
    }
}

Describe 'Connect/close cycles through the cmdlets' -Tag 'CI' {
    It 'leaves no sockets, threads, timers or managed memory behind after 200 checks' {
        # Warm-up: the first checks load assemblies, fill caches and grow the thread pool.
        foreach ($i in 1..3) { Invoke-Check $i }
        Start-Sleep -Seconds 1
        $baseline = Get-ProcessCount
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        foreach ($i in 1..200) { Invoke-Check $i }
        Write-Host "200 checks in $([int]$watch.Elapsed.TotalSeconds) s"
        $after = Wait-ProcessCount $baseline
        Write-Host "baseline $($baseline | Out-String -Width 200)after $($after | Out-String -Width 200)"

        $after.Sockets | Should -BeLessOrEqual $baseline.Sockets
        $after.Timers | Should -BeLessOrEqual ($baseline.Timers + 2)
        $after.OwnThreads | Should -BeLessOrEqual ($baseline.OwnThreads + 2)
        # A leaked connection holds its certificate, buffers and queues: 200 would be tens of MB.
        $after.ManagedBytes | Should -BeLessOrEqual ($baseline.ManagedBytes + 8MB)
    }
}
