using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace WebRtcPS.Commands.Completion;

/// <summary>-IceServer: the URI schemes (RFC 7064, RFC 7065) and the servers used earlier in this session.</summary>
internal sealed class IceServerCompleter : IArgumentCompleter
{
    private static readonly ConcurrentDictionary<string, DateTime> Used = new(StringComparer.OrdinalIgnoreCase);

    private static readonly (string Text, string Tooltip)[] Schemes =
    [
        ("stun:", "stun:HOST[:PORT] - a STUN server (srflx candidates; default port 3478)"),
        ("turn:", "turn:HOST[:PORT][?transport=udp|tcp] - a TURN server (relay candidates; needs a credential)"),
        ("turns:", "turns:HOST[:PORT] - TURN over TLS (default port 5349)"),
    ];

    /// <summary>Records URLs a command used, most recent first in completion.</summary>
    public static void Remember(IEnumerable<string> urls)
    {
        foreach (var url in urls) Used[url] = DateTime.UtcNow;
    }

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var used = Used.OrderByDescending(kv => kv.Value).Select(kv => (kv.Key, "used in this session: " + kv.Key));
        return CompletionHelpers.Complete(wordToComplete, used.Concat(Schemes));
    }
}
