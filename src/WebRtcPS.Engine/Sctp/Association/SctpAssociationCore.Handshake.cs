namespace WebRtcPS.Engine.Sctp;

/// <summary>Association setup (RFC 9260 §5.1, §5.2): INIT / INIT-ACK / COOKIE-ECHO / COOKIE-ACK,
/// T1 timers, and the minimal INIT collision handling of §5.2.1/§5.2.4 that pion and usrsctp use
/// when both WebRTC peers open at once: an INIT in COOKIE-WAIT or COOKIE-ECHOED is answered with
/// an INIT-ACK carrying our existing tag and initial TSN, and a valid COOKIE-ECHO whose tags match
/// establishes the association whatever our own handshake's progress.</summary>
internal sealed partial class SctpAssociationCore
{
    private uint _peerTag;
    private bool _peerForwardTsn;
    private bool _peerReconfig;
    private ushort _outboundStreams;
    private ushort _inboundStreams;
    private TimeSpan _t1Rto;
    private int _t1Count;
    private CookieEchoChunk? _cookieEcho;
    private bool _answeredPeerInit;   // an INIT-ACK went out while CLOSED: the peer opens, we answer

    /// <summary>Streams usable in both directions once the peer is known (0 before).</summary>
    public int StreamCount => _peerTag == 0 ? 0 : Math.Min(_outboundStreams, _inboundStreams);

    /// <summary>Active open: sends INIT and enters COOKIE-WAIT; nothing when the peer's INIT has
    /// been answered already (the peer's handshake is under way: ours would only collide with it).</summary>
    public List<SctpPacket> Connect()
    {
        if (State != AssociationState.Closed || _closedForGood || _answeredPeerInit) return Flush();
        SetState(AssociationState.CookieWait);
        _standalone.Add(Packet(0, new InitChunk(LocalInitBody([]))));
        _t1Count = 0;
        _t1Rto = _options.RtoInitial;
        _t1 = Now + _t1Rto;
        return Flush();
    }

    /// <summary>Our INIT, if still unanswered, goes again <paramref name="within"/> from now rather
    /// than at T1's full interval: one sent on DTLS False Start may have reached a server that
    /// drops application data until its handshake is over (RFC 7918 leaves that to the server).</summary>
    public List<SctpPacket> ExpectInitAckWithin(TimeSpan within)
    {
        if (State == AssociationState.CookieWait && _t1 is { } t1 && Now + within < t1) _t1 = Now + within;
        return Flush();
    }

    private InitBody LocalInitBody(IEnumerable<ISctpParameter> extra) => new(_localTag, _options.ReceiveWindow,
        _options.OutboundStreams, _options.InboundStreams, _localInitialTsn,
        [.. extra, new SupportedExtensionsParameter([(byte)ChunkType.ReConfig, (byte)ChunkType.ForwardTsn]), new ForwardTsnSupportedParameter()]);

    private static (bool ForwardTsn, bool Reconfig) Capabilities(InitBody body)
    {
        var ext = body.Find<SupportedExtensionsParameter>();
        var forward = body.Find<ForwardTsnSupportedParameter>() is not null || ext?.Supports(ChunkType.ForwardTsn) == true;
        return (forward, ext?.Supports(ChunkType.ReConfig) == true);
    }

    private static bool IsValid(InitBody body) => body.InitiateTag != 0 && body.OutboundStreams != 0 && body.InboundStreams != 0;

    private void HandleInit(InitChunk init)
    {
        var body = init.Body;
        if (!IsValid(body) || State is not (AssociationState.Closed or AssociationState.CookieWait or AssociationState.CookieEchoed)) return;
        var unrecognized = new List<ISctpParameter>();
        foreach (var parameter in body.Parameters)
        {
            if (parameter is not UnknownParameter unknown) continue;
            if (unknown.ShouldReport)
            {
                var raw = new byte[unknown.EncodedLength];
                unknown.Write(raw);
                unrecognized.Add(new UnknownParameter(ParameterType.UnrecognizedParameter, raw));
            }
            if (!unknown.ShouldSkip) break;
        }
        var (forward, reconfig) = Capabilities(body);
        var cookie = new StateCookie(_localTag, body.InitiateTag, _localInitialTsn, body.InitialTsn, body.ARwnd,
            body.OutboundStreams, body.InboundStreams, forward, reconfig, (long)Now.TotalMilliseconds).Sign(_cookieKey);
        _standalone.Add(Packet(body.InitiateTag, new InitAckChunk(LocalInitBody([new StateCookieParameter(cookie), .. unrecognized]))));
        if (State == AssociationState.Closed) _answeredPeerInit = true;
    }

    private void HandleInitAck(InitAckChunk initAck)
    {
        var body = initAck.Body;
        var cookie = body.Find<StateCookieParameter>();
        if (State != AssociationState.CookieWait || cookie is null || !IsValid(body)) return;
        var (forward, reconfig) = Capabilities(body);
        SetupPeer(body.InitiateTag, body.ARwnd, body.OutboundStreams, body.InboundStreams, body.InitialTsn, forward, reconfig);
        _cookieEcho = new CookieEchoChunk(cookie.Cookie);
        _standalone.Add(Packet(_peerTag, _cookieEcho));
        SetState(AssociationState.CookieEchoed);
        _t1Count = 0;
        _t1Rto = _options.RtoInitial;
        _t1 = Now + _t1Rto;
    }

    private void HandleCookieEcho(CookieEchoChunk echo)
    {
        if (!StateCookie.TryVerify(echo.Cookie, _cookieKey, out var cookie) || cookie.LocalTag != _localTag) return;
        if (Now.TotalMilliseconds - cookie.CreatedMs > _options.CookieLifetime.TotalMilliseconds)
        {
            var staleness = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(staleness, (uint)(Now.TotalMilliseconds - cookie.CreatedMs) * 1000);
            _standalone.Add(Packet(cookie.PeerTag, new ErrorChunk([new ErrorCause(ErrorCauseCode.StaleCookie, staleness)])));
            return;
        }
        switch (State)
        {
            case AssociationState.Closed:
            case AssociationState.CookieWait:
            case AssociationState.CookieEchoed:
                if (State != AssociationState.CookieEchoed || cookie.PeerTag != _peerTag)
                    SetupPeer(cookie.PeerTag, cookie.PeerARwnd, cookie.PeerOutboundStreams, cookie.PeerInboundStreams,
                        cookie.PeerInitialTsn, cookie.PeerForwardTsn, cookie.PeerReconfig);
                _control.Add(new CookieAckChunk());
                EnterEstablished();
                break;
            default:
                if (cookie.PeerTag == _peerTag) _control.Add(new CookieAckChunk());
                break;
        }
    }

    private void HandleCookieAck()
    {
        if (State == AssociationState.CookieEchoed) EnterEstablished();
    }

    private void SetupPeer(uint tag, uint aRwnd, ushort outbound, ushort inbound, uint initialTsn, bool forwardTsn, bool reconfig)
    {
        _peerTag = tag;
        _peerRwnd = aRwnd;
        _outboundStreams = Math.Min(_options.OutboundStreams, inbound);
        _inboundStreams = Math.Min(_options.InboundStreams, outbound);
        _recv = new ReceivedTsnTracker(initialTsn - 1);
        _peerNextRequestSequence = initialTsn;
        _cc = new CongestionController(_mtu, aRwnd);
        _peerForwardTsn = forwardTsn;
        _peerReconfig = reconfig;
    }

    private void EnterEstablished()
    {
        _t1 = null;
        _cookieEcho = null;
        SetState(AssociationState.Established);
        _heartbeatTimer = Now + _options.HeartbeatInterval;
    }

    private void OnT1(TimeSpan now)
    {
        _t1 = null;
        if (State is not (AssociationState.CookieWait or AssociationState.CookieEchoed)) return;
        if (++_t1Count > _options.MaxInitRetransmits)
        {
            SetState(AssociationState.Closed, "association setup timed out");
            return;
        }
        _t1Rto = _t1Rto * 2 > _options.RtoMax ? _options.RtoMax : _t1Rto * 2;
        if (State == AssociationState.CookieWait) _standalone.Add(Packet(0, new InitChunk(LocalInitBody([]))));
        else if (_cookieEcho is not null) _standalone.Add(Packet(_peerTag, _cookieEcho));
        _t1 = now + _t1Rto;
    }
}
