using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>One unicast address of a local interface, as gathering sees it.</summary>
/// <param name="Address">The address (IPv6 link-local ones keep their scope id).</param>
/// <param name="InterfaceName">The interface's name, for filters and diagnostics.</param>
/// <param name="IsLoopback">True for a loopback interface.</param>
public sealed record IceNetworkAddress(IPAddress Address, string InterfaceName, bool IsLoopback);
