namespace WebRtcPS.Fuzz;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> feeds it bytes and lets through only the errors the
/// parser documents (a false/empty result, or its own exception type, caught inside); any other
/// exception escapes and is a finding. <see cref="MaxAllocatedBytes"/> is the allocation bound for
/// an input of a given length: a parser that allocates by what a header claims rather than by what
/// arrived is a finding too.
/// </summary>
/// <param name="Name">The command-line name (<c>dotnet WebRtcPS.Fuzz.dll NAME</c>) and corpus folder.</param>
/// <param name="Run">Parses one input.</param>
/// <param name="FixedAllocation">Bytes any input may allocate (buffers of a fixed size, first-use caches).</param>
/// <param name="AllocationPerByte">Bytes each input byte may add.</param>
internal sealed record ParserTarget(string Name, ParserTarget.Body Run, long FixedAllocation, long AllocationPerByte)
{
    public delegate void Body(ReadOnlySpan<byte> input);

    public long MaxAllocatedBytes(int inputLength) => FixedAllocation + AllocationPerByte * inputLength;

    /// <summary>The seed corpus shipped beside the assembly (corpus/NAME), empty if absent.</summary>
    public IReadOnlyList<byte[]> Seeds
    {
        get
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "corpus", Name);
            return Directory.Exists(folder)
                ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray()
                : [];
        }
    }

    /// <summary>Runs the seeds once, unchecked, so first-use work (JIT, JSON metadata caches,
    /// static tables) is not charged to the first fuzzed input.</summary>
    public void WarmUp()
    {
        foreach (var seed in Seeds) Run(seed);
        Run([]);
    }

    /// <summary>Runs the parser; throws <see cref="AllocationBoundException"/> when it allocated
    /// more than the bound (measured on this thread: the parsers are synchronous).</summary>
    public long RunChecked(ReadOnlySpan<byte> input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(input);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > MaxAllocatedBytes(input.Length))
            throw new AllocationBoundException($"{Name}: {allocated} bytes allocated for a {input.Length}-byte input (bound {MaxAllocatedBytes(input.Length)}).");
        return allocated;
    }
}

/// <summary>A parser allocated more than its bound for the input's length.</summary>
internal sealed class AllocationBoundException(string message) : Exception(message);
