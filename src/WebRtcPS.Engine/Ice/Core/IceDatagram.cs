using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>A STUN message <see cref="IceAgentCore"/> wants sent: from which local socket, to where.</summary>
internal readonly record struct IceDatagram(IceSocketId Socket, byte[] Data, IPEndPoint To);
