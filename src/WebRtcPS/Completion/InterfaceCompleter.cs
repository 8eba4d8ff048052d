using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace WebRtcPS.Commands.Completion;

/// <summary>-Interface: this machine's interface names and their IPv4/IPv6 addresses.</summary>
internal sealed class InterfaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var candidates = new List<(string, string)>();
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
        foreach (var nic in interfaces.Where(n => n.OperationalStatus != OperationalStatus.Down))
        {
            var addresses = nic.GetIPProperties().UnicastAddresses
                .Select(a => a.Address)
                .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                .ToList();
            candidates.Add((nic.Name, $"{nic.Name} ({nic.NetworkInterfaceType}): {string.Join(", ", addresses)}"));
            foreach (var address in addresses)
            {
                var text = address.ToString();
                if (address.IsIPv6LinkLocal && text.Contains('%', StringComparison.Ordinal)) text = text[..text.IndexOf('%', StringComparison.Ordinal)];
                candidates.Add((text, $"{text} on {nic.Name}"));
            }
        }
        return CompletionHelpers.Complete(wordToComplete, candidates);
    }
}
