using System.Diagnostics;
using System.Management.Automation;

namespace WebRtcPS.Commands.Infrastructure;

/// <summary>
/// One Write-Progress activity of a command: its records, with the percentage either of a count
/// (servers, messages) or of the time allowed (-TimeoutSec). Only builds records; the command
/// writes them from its pipeline thread. PowerShell itself honours $ProgressPreference.
/// </summary>
internal sealed class ProgressReporter
{
    private static int _nextId;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _activity;
    private readonly TimeSpan? _timeout;

    /// <param name="activity">What the command does ("Connecting offer-peer-1 to answer-peer-1").</param>
    /// <param name="timeout">When given, the percentage is the share of it used so far.</param>
    public ProgressReporter(string activity, TimeSpan? timeout = null)
    {
        _activity = activity;
        _timeout = timeout;
        ActivityId = Interlocked.Increment(ref _nextId) & 0x7FFFFFFF;
    }

    public int ActivityId { get; }

    /// <summary>The last status given (a timer refresh repeats it with the new percentage).</summary>
    public string Status { get; private set; } = "Starting";

    /// <summary>A record of <paramref name="status"/>, percent by elapsed time against the timeout.</summary>
    public ProgressRecord Step(string status, string? operation = null)
    {
        Status = status;
        var record = new ProgressRecord(ActivityId, _activity, status) { CurrentOperation = operation };
        if (_timeout is { } t)
        {
            var used = _clock.Elapsed / t;
            record.PercentComplete = (int)Math.Clamp(used * 100, 0, 99);
            record.SecondsRemaining = (int)Math.Max(0, (t - _clock.Elapsed).TotalSeconds);
        }
        return record;
    }

    /// <summary>A record of item <paramref name="done"/> of <paramref name="total"/>.</summary>
    public ProgressRecord Count(int done, int total, string status, string? operation = null)
    {
        Status = status;
        return new ProgressRecord(ActivityId, _activity, status)
        {
            CurrentOperation = operation,
            PercentComplete = total <= 0 ? -1 : (int)Math.Clamp(100.0 * done / total, 0, 100),
        };
    }

    /// <summary>The record that removes the bar.</summary>
    public ProgressRecord Completed() =>
        new(ActivityId, _activity, "Done") { RecordType = ProgressRecordType.Completed, PercentComplete = 100 };
}
