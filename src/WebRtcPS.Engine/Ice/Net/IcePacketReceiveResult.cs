using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>What <see cref="IIcePacketSocket.ReceiveFromAsync"/> read: the length copied into the
/// caller's buffer and the sender's transport address.</summary>
public readonly record struct IcePacketReceiveResult(int Length, IPEndPoint RemoteEndPoint);
