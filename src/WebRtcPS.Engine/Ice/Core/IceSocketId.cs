namespace WebRtcPS.Engine.Ice;

/// <summary>
/// A local socket as <see cref="IceAgentCore"/> knows it: a name the driver gives each socket it
/// opens (a UDP host socket, a TCP listener or active socket, a relay allocation). The core sends
/// and receives through these names; only the driver holds the sockets.
/// </summary>
internal readonly record struct IceSocketId(int Value)
{
    public override string ToString() => $"socket {Value}";
}
