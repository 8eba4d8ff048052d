using System.Management.Automation;

namespace WebRtcPS.Commands.Signaling;

/// <summary>Lists the signaling servers running in this session, with live counts.</summary>
[Cmdlet(VerbsCommon.Get, "WrtcSignalingServer")]
[OutputType(typeof(SignalingServerInfo))]
public sealed class GetWrtcSignalingServerCommand : PSCmdlet
{
    /// <summary>Only the servers on these ports.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    [ArgumentCompleter(typeof(Completion.SignalingPortCompleter))]
    public int[]? Port { get; set; }

    protected override void ProcessRecord()
    {
        if (Port is null)
        {
            foreach (var server in SignalingServerRegistry.All) WriteObject(new SignalingServerInfo(server));
            return;
        }
        foreach (var port in Port)
        {
            var server = SignalingServerRegistry.Find(port);
            if (server is null)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"No signaling server of this session listens on port {port}."),
                    "SignalingServerNotFound", ErrorCategory.ObjectNotFound, port));
                continue;
            }
            WriteObject(new SignalingServerInfo(server));
        }
    }
}
