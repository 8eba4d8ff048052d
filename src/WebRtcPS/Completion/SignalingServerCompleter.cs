using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using WebRtcPS.Commands.Signaling;

namespace WebRtcPS.Commands.Completion;

/// <summary>-SignalingUri: the URLs of the signaling servers running in this session.</summary>
internal sealed class SignalingUriCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionHelpers.Complete(wordToComplete, SignalingServerRegistry.All.Select(s =>
        {
            var url = s.Url.ToString().TrimEnd('/');
            return (url, $"{url} (signaling server of this session, listening on {s.ListenAddress})");
        }));
}

/// <summary>-Port of Get-/Stop-WrtcSignalingServer: the ports of the servers running in this session.</summary>
internal sealed class SignalingPortCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionHelpers.Complete(wordToComplete, SignalingServerRegistry.All.Select(s =>
            (s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{s.Url} (signaling server of this session)")));
}
