using System.Management.Automation;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Commands.Signaling;

/// <summary>Stops signaling servers of this session: by pipeline object, by port, or all.</summary>
[Cmdlet(VerbsLifecycle.Stop, "WrtcSignalingServer", DefaultParameterSetName = ByObject,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SignalingServerInfo))]
public sealed class StopWrtcSignalingServerCommand : PSCmdlet
{
    private const string ByObject = "InputObject";
    private const string ByPort = "Port";
    private const string AllServers = "All";

    [Parameter(ParameterSetName = ByObject, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public SignalingServerInfo[] InputObject { get; set; } = [];

    [Parameter(ParameterSetName = ByPort, Mandatory = true)]
    [ValidateRange(1, 65535)]
    [ArgumentCompleter(typeof(Completion.SignalingPortCompleter))]
    public int[] Port { get; set; } = [];

    [Parameter(ParameterSetName = AllServers, Mandatory = true)]
    public SwitchParameter All { get; set; }

    /// <summary>Output the stopped servers.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ByObject:
                foreach (var info in InputObject) Stop(info.Server);
                break;
            case ByPort:
                foreach (var port in Port)
                {
                    var server = SignalingServerRegistry.Find(port);
                    if (server is null)
                    {
                        WriteError(new ErrorRecord(new ItemNotFoundException($"No signaling server of this session listens on port {port}."),
                            "SignalingServerNotFound", ErrorCategory.ObjectNotFound, port));
                        continue;
                    }
                    Stop(server);
                }
                break;
            case AllServers:
                foreach (var server in SignalingServerRegistry.All.ToArray()) Stop(server);
                break;
        }
    }

    private void Stop(SignalingServer server)
    {
        if (!ShouldProcess(server.Url.ToString(), "Stop signaling server")) return;
        SignalingServerRegistry.StopAsync(server).GetAwaiter().GetResult();
        if (PassThru) WriteObject(new SignalingServerInfo(server));
    }
}
