using System.Diagnostics;
using SharpFuzz;
using WebRtcPS.Fuzz;

// dotnet WebRtcPS.Fuzz.dll list                      the targets
// dotnet WebRtcPS.Fuzz.dll TARGET                    one input per run under afl-fuzz (SharpFuzz)
// dotnet WebRtcPS.Fuzz.dll replay TARGET PATH...     runs files (or folders of them) through TARGET,
//                                                    printing each file's outcome: reproduces a finding
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: WebRtcPS.Fuzz list | TARGET | replay TARGET PATH...");
    return 2;
}
if (args[0] == "list")
{
    foreach (var t in ParserTargets.All) Console.WriteLine(t.Name);
    return 0;
}
if (args[0] == "replay")
{
    if (args.Length < 3 || ParserTargets.Find(args[1]) is not { } replayed)
    {
        Console.Error.WriteLine("usage: WebRtcPS.Fuzz replay TARGET PATH...");
        return 2;
    }
    replayed.WarmUp();
    int failures = 0;
    var files = args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p, "*", SearchOption.AllDirectories) : [p]);
    foreach (var file in files.Order(StringComparer.Ordinal))
    {
        var input = File.ReadAllBytes(file);
        var watch = Stopwatch.StartNew();
        try
        {
            long allocated = replayed.RunChecked(input);
            Console.WriteLine($"ok   {file} ({input.Length} B, {allocated} B allocated, {watch.Elapsed.TotalMilliseconds:F2} ms)");
        }
        catch (Exception ex)
        {
            failures++;
            Console.WriteLine($"FAIL {file} ({input.Length} B): {ex}");
        }
    }
    return failures == 0 ? 0 : 1;
}
if (ParserTargets.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine($"unknown target '{args[0]}'; 'list' names them");
    return 2;
}
// Persistent mode: SharpFuzz runs the action once per input afl-fuzz sends; an escaping
// exception is reported to afl-fuzz as a crash. The warm-up runs inside the first call: the
// instrumented assemblies write to afl's shared memory, which Fuzzer.Run sets up.
bool warm = false;
Fuzzer.Run(stream =>
{
    if (!warm)
    {
        target.WarmUp();
        warm = true;
    }
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target.RunChecked(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;
