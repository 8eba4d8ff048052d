using System.Diagnostics;
using CsCheck;
using WebRtcPS.Fuzz;

namespace WebRtcPS.Engine.Tests.Fuzz;

/// <summary>
/// The fuzz targets (tests/fuzz/WebRtcPS.Fuzz) as a smoke in the ordinary suite: each parser gets
/// <see cref="InputsPerParser"/> inputs (random bytes and mutated seeds of its corpus) and must
/// return a value or its own documented error (the targets let only those through), within
/// <see cref="MaxPerInput"/> per input and the target's allocation bound for the input's length.
/// Coverage-guided fuzzing of the same targets: build.ps1 -Task Fuzz.
/// </summary>
public sealed class ParserPropertyTests
{
    public const int InputsPerParser = 100_000;

    /// <summary>Far above any parser's cost for these sizes (microseconds), so only a parser gone
    /// superlinear or looping fails it, not a loaded machine (1 s was seen taken by a 25-byte
    /// candidate line at load average 50 on 2 cores: the thread descheduled, or a GC); afl-fuzz's
    /// hang bound in build.ps1 -Task Fuzz is the same.</summary>
    private static readonly TimeSpan MaxPerInput = TimeSpan.FromSeconds(5);

    /// <summary>A parser that loops forever never returns to have its time checked: the whole
    /// run is bounded instead.</summary>
    private static readonly TimeSpan MaxPerParser = TimeSpan.FromSeconds(180);

    public static TheoryData<string> Targets => [.. ParserTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Parser_ReturnsAValueOrItsOwnError_InBoundedTimeAndMemory(string name)
    {
        var target = ParserTargets.Find(name)!;
        Assert.NotEmpty(target.Seeds);
        target.WarmUp();
        long inputs = 0;
        var run = Task.Factory.StartNew(() => FuzzInputs.For(target.Seeds).Sample(input =>
        {
            long start = Stopwatch.GetTimestamp();
            target.RunChecked(input);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed > MaxPerInput) throw new TimeoutException($"{name}: {elapsed.TotalMilliseconds:F0} ms for a {input.Length}-byte input");
            Interlocked.Increment(ref inputs);
        }, iter: InputsPerParser, threads: 1, print: Convert.ToHexString), TaskCreationOptions.LongRunning);
        Assert.True(run.Wait(MaxPerParser), $"{name}: {InputsPerParser} inputs not done in {MaxPerParser.TotalSeconds} s ({Interlocked.Read(ref inputs)} done): a hang?");
        Assert.True(inputs >= InputsPerParser, $"{name}: {inputs} inputs run");
    }
}
