using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Sdp;

namespace WebRtcPS.Engine.PeerConnection;

public sealed partial class RTCPeerConnection
{
    /// <summary>W3C createOffer: an offer with our ICE credentials, fingerprint, a=setup:actpass and
    /// the candidates gathered so far.</summary>
    /// <exception cref="InvalidStateError">Closed, or a remote offer is pending (answer it first).</exception>
    public RTCSessionDescription CreateOffer() => _loop.Invoke(() =>
    {
        ThrowIfClosed("createOffer");
        if (_signalingState is RTCSignalingState.HaveRemoteOffer or RTCSignalingState.HaveLocalPranswer)
            throw new InvalidStateError($"createOffer: signalingState is {_signalingState.ToWireName()}; answer the remote offer first.");
        return RTCSessionDescription.From(RTCSdpType.Offer, DataChannelSdpBuilder.CreateOffer(SdpOptions(DefaultMid), _lastLocalSdp));
    });

    /// <summary>W3C createAnswer: accepts the remote offer's data section; a=setup:active to an
    /// actpass offer (we become the DTLS client, as pion and Chrome do).</summary>
    /// <exception cref="InvalidStateError">Closed, or no remote offer is pending.</exception>
    public RTCSessionDescription CreateAnswer() => _loop.Invoke(() =>
    {
        ThrowIfClosed("createAnswer");
        if (_signalingState is not (RTCSignalingState.HaveRemoteOffer or RTCSignalingState.HaveLocalPranswer) || _remoteOfferSdp is null)
            throw new InvalidStateError($"createAnswer: signalingState is {_signalingState.ToWireName()}; an answer needs a remote offer (setRemoteDescription(offer)) first.");
        try
        {
            return RTCSessionDescription.From(RTCSdpType.Answer,
                DataChannelSdpBuilder.CreateAnswer(_remoteOfferSdp, SdpOptions(_remote?.Mid ?? DefaultMid), _lastLocalSdp));
        }
        catch (SdpParseException ex)
        {
            throw new OperationError($"createAnswer: {ex.Message}", ex);
        }
    });

    /// <summary>W3C setLocalDescription. With no argument, creates the offer or answer the state calls for.
    /// An offer creates the ICE agent as controlling; gathering starts here (candidates arrive
    /// through OnIceCandidate).</summary>
    /// <exception cref="InvalidStateError">Closed, or the type does not fit the signaling state.</exception>
    /// <exception cref="InvalidModificationError">The SDP is not one we created (credentials or fingerprint changed).</exception>
    /// <exception cref="OperationError">The SDP does not parse, or rollback was asked for.</exception>
    public RTCSessionDescription SetLocalDescription(RTCSessionDescription? description = null) => _loop.Invoke(() =>
    {
        ThrowIfClosed("setLocalDescription");
        if (description is null)
        {
            description = _signalingState is RTCSignalingState.HaveRemoteOffer or RTCSignalingState.HaveLocalPranswer
                ? CreateAnswer() : CreateOffer();
        }
        var type = description.Type;
        var next = (type, _signalingState) switch
        {
            (RTCSdpType.Offer, RTCSignalingState.Stable or RTCSignalingState.HaveLocalOffer) => RTCSignalingState.HaveLocalOffer,
            (RTCSdpType.Answer, RTCSignalingState.HaveRemoteOffer or RTCSignalingState.HaveLocalPranswer) => RTCSignalingState.Stable,
            (RTCSdpType.Pranswer, RTCSignalingState.HaveRemoteOffer or RTCSignalingState.HaveLocalPranswer) => RTCSignalingState.HaveLocalPranswer,
            (RTCSdpType.Rollback, _) => throw new OperationError("setLocalDescription(rollback): rollback is not supported by this engine; close the connection and start again."),
            _ => throw new InvalidStateError($"setLocalDescription({type.ToWireName()}): not allowed in signalingState {_signalingState.ToWireName()}."),
        };

        SdpSessionDescription sdp;
        DataChannelSessionDescription parsed;
        try
        {
            sdp = description.Parse();
            parsed = DataChannelSessionDescription.FromSdp(sdp);
        }
        catch (SdpParseException ex)
        {
            throw new OperationError($"setLocalDescription({type.ToWireName()}): the SDP does not parse: {ex.Message}", ex);
        }
        if (parsed.IceUsernameFragment != _localIce.UsernameFragment || parsed.IcePassword != _localIce.Password)
            throw new InvalidModificationError($"setLocalDescription({type.ToWireName()}): the ICE credentials are not the ones createOffer/createAnswer gave.");
        var ours = _certificate.GetFingerprints();
        if (!parsed.Fingerprints.Any(f => ours.Any(o => string.Equals(o.Algorithm, f.Algorithm, StringComparison.OrdinalIgnoreCase) && string.Equals(o.Value, f.Value, StringComparison.OrdinalIgnoreCase))))
            throw new InvalidModificationError($"setLocalDescription({type.ToWireName()}): the fingerprint is not our certificate's.");

        if (type == RTCSdpType.Offer)
        {
            EnsureAgent(RTCIceRole.Controlling);
            StartEarlyDtlsServer(_agent!, parsed.Setup);
        }
        else
        {
            // Our answer fixes our DTLS role (RFC 8842 §5.3): active = client.
            NegotiatedDtlsRole = parsed.Setup == SdpSetupRole.Passive ? W3C.DtlsRole.Server : W3C.DtlsRole.Client;
            if (type == RTCSdpType.Answer) _remoteOfferSdp = null;
        }
        _lastLocalSdp = sdp;
        _localDescription = description;
        bool startGathering = !_gatheringStarted && _agent is not null;
        _gatheringStarted |= startGathering;
        SetSignalingState(next, $"setLocalDescription({type.ToWireName()})");
        Publish(now => new DescriptionAppliedEvent(now.Time, now.Elapsed, true, type, description.Sdp));
        if (next == RTCSignalingState.Stable) StartTransportsIfReady();
        // After the signaling state event, so that it precedes every gathering event.
        if (startGathering) _agent!.StartGathering();
        return description;
    });

    /// <summary>W3C setRemoteDescription. An offer creates the ICE agent as controlled; the peer's
    /// credentials and any a=candidate lines go to ICE at once.</summary>
    /// <exception cref="InvalidStateError">Closed, or the type does not fit the signaling state.</exception>
    /// <exception cref="InvalidAccessError">No fingerprint with a supported hash, or an answer with a=setup:actpass.</exception>
    /// <exception cref="OperationError">The SDP does not parse, has no data-channel section or rejects it; rollback.</exception>
    public void SetRemoteDescription(RTCSessionDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        _loop.Invoke(() =>
        {
            ThrowIfClosed("setRemoteDescription");
            var type = description.Type;
            var next = (type, _signalingState) switch
            {
                (RTCSdpType.Offer, RTCSignalingState.Stable or RTCSignalingState.HaveRemoteOffer) => RTCSignalingState.HaveRemoteOffer,
                (RTCSdpType.Answer, RTCSignalingState.HaveLocalOffer or RTCSignalingState.HaveRemotePranswer) => RTCSignalingState.Stable,
                (RTCSdpType.Pranswer, RTCSignalingState.HaveLocalOffer or RTCSignalingState.HaveRemotePranswer) => RTCSignalingState.HaveRemotePranswer,
                (RTCSdpType.Rollback, _) => throw new OperationError("setRemoteDescription(rollback): rollback is not supported by this engine; close the connection and start again."),
                _ => throw new InvalidStateError($"setRemoteDescription({type.ToWireName()}): not allowed in signalingState {_signalingState.ToWireName()}."),
            };

            SdpSessionDescription sdp;
            DataChannelSessionDescription remote;
            try
            {
                sdp = description.Parse();
                remote = DataChannelSessionDescription.FromSdp(sdp);
            }
            catch (SdpParseException ex)
            {
                throw new OperationError($"setRemoteDescription({type.ToWireName()}): {ex.Message}", ex);
            }
            if (remote.IsRejected)
                throw new OperationError($"setRemoteDescription({type.ToWireName()}): the peer rejected the data-channel section (port 0).");
            if (!FingerprintVerifier.HasSupported(remote.Fingerprints))
                throw new InvalidAccessError($"setRemoteDescription({type.ToWireName()}): no a=fingerprint uses a supported hash ({string.Join(", ", RTCDtlsFingerprint.SupportedAlgorithms)}); got {string.Join(", ", remote.Fingerprints)}.");
            if (_dtls is not null && _remote is not null && !SameFingerprints(_remote.Fingerprints, remote.Fingerprints))
                throw new InvalidAccessError($"setRemoteDescription({type.ToWireName()}): the fingerprint changed after DTLS was set up; a new certificate needs a new connection.");

            if (type == RTCSdpType.Offer)
            {
                EnsureAgent(RTCIceRole.Controlled);
                _remoteOfferSdp = sdp;
            }
            else
            {
                // RFC 8842 §5.3 / RFC 4145 §4: an answer says active or passive; absent means active.
                NegotiatedDtlsRole = remote.Setup switch
                {
                    SdpSetupRole.Passive => W3C.DtlsRole.Client,
                    SdpSetupRole.Active or null => W3C.DtlsRole.Server,
                    _ => throw new InvalidAccessError($"setRemoteDescription({type.ToWireName()}): an answer must say a=setup:active or passive, not {remote.Setup.Value.ToSdp()} (RFC 8842 §5.3)."),
                };
            }

            var agent = _agent ?? throw new InvalidStateError($"setRemoteDescription({type.ToWireName()}): no local offer was set.");
            var previous = _remote;
            _remote = remote;
            _remoteDescription = description;
            if (previous is null || previous.IceUsernameFragment != remote.IceUsernameFragment || previous.IcePassword != remote.IcePassword)
            {
                // New credentials in an offer are the peer's ICE restart (RFC 8445 §9.2): ours are
                // renewed before the answer is created (an answer to our own restart needs none).
                if (previous is not null && type == RTCSdpType.Offer) RestartAgent(agent, "the peer restarted ICE");
                agent.SetRemoteParameters(new RTCIceParameters(remote.IceUsernameFragment, remote.IcePassword));
            }
            foreach (var candidate in remote.Candidates) agent.AddRemoteCandidate(candidate);
            if (remote.EndOfCandidates) agent.AddRemoteCandidate(null);

            SetSignalingState(next, $"setRemoteDescription({type.ToWireName()})");
            Publish(now => new DescriptionAppliedEvent(now.Time, now.Elapsed, false, type, description.Sdp));
            if (next == RTCSignalingState.Stable) StartTransportsIfReady();
        });
    }

    /// <summary>W3C addIceCandidate. Null or an empty candidate string is end-of-candidates.</summary>
    /// <exception cref="InvalidStateError">Closed, or no remote description yet: hold the candidate
    /// (<see cref="PendingCandidateBuffer"/>) and add it after setRemoteDescription.</exception>
    /// <exception cref="OperationError">The candidate does not parse, or names another media section or ufrag.</exception>
    public void AddIceCandidate(RTCIceCandidateInit? candidate) => _loop.Invoke(() =>
    {
        ThrowIfClosed("addIceCandidate");
        if (_remoteDescription is null || _remote is null || _agent is null)
            throw new InvalidStateError("addIceCandidate: there is no remote description yet; hold the candidate until setRemoteDescription (PendingCandidateBuffer does this).");
        var agent = _agent;
        RTCIceCandidate? parsed = null;
        if (candidate is not null && !string.IsNullOrWhiteSpace(candidate.Candidate))
        {
            if (candidate.SdpMid is { } mid && _remote.Mid is { } remoteMid && mid != remoteMid)
                throw new OperationError($"addIceCandidate: sdpMid '{mid}' is not the data section's mid '{remoteMid}'.");
            if (candidate.SdpMid is null && candidate.SdpMLineIndex is { } index && index != _remote.MediaIndex)
                throw new OperationError($"addIceCandidate: sdpMLineIndex {index} is not the data section's index {_remote.MediaIndex}.");
            if (candidate.UsernameFragment is { Length: > 0 } ufrag && ufrag != _remote.IceUsernameFragment)
                throw new OperationError($"addIceCandidate: ufrag '{ufrag}' is not the remote description's '{_remote.IceUsernameFragment}'.");
            if (!RTCIceCandidate.TryParse(candidate.Candidate.Trim(), out parsed, out var error))
                throw new OperationError($"addIceCandidate: \"{candidate.Candidate}\" does not parse: {error}");
        }
        agent.AddRemoteCandidate(parsed);
    });

    /// <summary>addIceCandidate with a bare candidate line ("candidate:..." or "a=candidate:..."),
    /// as the seed protocol signals it; null or empty is end-of-candidates.</summary>
    public void AddIceCandidate(string? candidateLine) =>
        AddIceCandidate(string.IsNullOrWhiteSpace(candidateLine) ? null : new RTCIceCandidateInit(candidateLine));

    private DataChannelSdpOptions SdpOptions(string mid) => new()
    {
        IceUsernameFragment = _localIce.UsernameFragment,
        IcePassword = _localIce.Password,
        Fingerprints = _certificate.GetFingerprints(),
        Candidates = _agent?.LocalCandidates ?? [],
        EndOfCandidates = _iceGatheringState == RTCIceGatheringState.Complete,
        Mid = mid,
        MaxMessageSize = _config.Sctp.MaxMessageSize,
    };

    private static bool SameFingerprints(IReadOnlyList<RTCDtlsFingerprint> a, IReadOnlyList<RTCDtlsFingerprint> b) =>
        a.Count == b.Count && a.Zip(b).All(p => string.Equals(p.First.Algorithm, p.Second.Algorithm, StringComparison.OrdinalIgnoreCase)
                                               && string.Equals(p.First.Value, p.Second.Value, StringComparison.OrdinalIgnoreCase));

    /// <summary>On the loop.</summary>
    private void SetSignalingState(RTCSignalingState state, string cause)
    {
        if (_signalingState == state) return;
        _signalingState = state;
        Publish(now => new SignalingStateChangedEvent(now.Time, now.Elapsed, state, cause));
        if (_config.Logger is { } logger) PeerConnectionLog.SignalingState(logger, state, cause);
        Raise(OnSignalingStateChange, state);
    }
}
