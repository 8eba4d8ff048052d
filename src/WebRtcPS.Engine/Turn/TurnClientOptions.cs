using System.Diagnostics.CodeAnalysis;
using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Turn;

/// <summary>Configuration of a <see cref="TurnClient"/>: one server and its credential, plus the
/// <see cref="TurnSettings"/> every server shares.</summary>
internal sealed record TurnClientOptions : TurnSettings
{
    public TurnClientOptions()
    {
    }

    /// <summary><paramref name="settings"/> for <paramref name="server"/> (no credential yet).</summary>
    [SetsRequiredMembers]
    public TurnClientOptions(IceServerUri server, TurnSettings settings) : base(settings ?? throw new ArgumentNullException(nameof(settings)))
    {
        Server = server;
    }

    /// <summary>One client per turn:/turns: URL of <paramref name="server"/>, each with that server's
    /// Username and Credential (a W3C RTCIceServer's URLs share its credential); stun: URLs are
    /// skipped. The one place where ICE server URLs become TURN clients.</summary>
    /// <exception cref="FormatException">A URL is not a STUN/TURN URI.</exception>
    public static IEnumerable<TurnClientOptions> FromIceServer(RTCIceServer server, TurnSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        settings ??= new TurnSettings();
        return server.Urls.Select(IceServerUri.Parse).Where(u => !u.IsStun)
            .Select(u => new TurnClientOptions(u, settings) { Username = server.Username, Password = server.Credential })
            .ToArray();
    }

    /// <summary>The server: turn:host[:port][?transport=udp|tcp] or turns:host[:port] (TLS over TCP).</summary>
    public required IceServerUri Server { get; init; }

    /// <summary>Long-term credential (RFC 8489 §9.2); null for a server that needs none.</summary>
    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary>TLS SNI and name to validate; the URI's host when null.</summary>
    public string? TlsTargetHost { get; init; }

    /// <summary>Skip DNS: connect to this address (the URI still names the server for TLS).</summary>
    public IPEndPoint? ServerEndPoint { get; init; }

    public override TurnClientOptions Validate()
    {
        if (Server is null) throw new ArgumentNullException(nameof(Server));
        if (Server.IsStun) throw new ArgumentException($"Server: {Server} is a STUN URI; a TURN client needs turn: or turns:.", nameof(Server));
        if (Server.Scheme == IceServerScheme.Turns && Server.Transport == RTCIceProtocol.Udp)
            throw new ArgumentException("Server: turns:...?transport=udp (DTLS to the server) is not supported; use turns: (TLS over TCP).", nameof(Server));
        if ((Username is null) != (Password is null)) throw new ArgumentException("Username and Password go together.", nameof(Username));
        base.Validate();
        return this;
    }

    internal TurnTransportKind TransportKind =>
        Server.Scheme == IceServerScheme.Turns ? TurnTransportKind.Tls
        : Server.Transport == RTCIceProtocol.Tcp ? TurnTransportKind.Tcp
        : TurnTransportKind.Udp;
}
