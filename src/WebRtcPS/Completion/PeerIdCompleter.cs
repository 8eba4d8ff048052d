using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using WebRtcPS.Commands.Peers;

namespace WebRtcPS.Commands.Completion;

/// <summary>-Id of the peer cmdlets: the ids of this session's peers (New-WrtcPeer, Connect-WrtcPeer).</summary>
internal sealed class PeerIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionHelpers.Complete(wordToComplete, PeerRegistry.All.Select(p => (p.Id, p.ToString())));
}
