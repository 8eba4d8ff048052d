namespace WebRtcPS.Engine.Ice;

// Consent freshness (RFC 7675) on the selected pair. The state it leads to (disconnected, then
// failed, and back to connected on a late response) is UpdateState's.
internal sealed partial class IceAgentCore
{
    private TimeSpan _lastConsentAt;
    private TimeSpan _nextConsentAt;

    /// <summary>RFC 7675 §5.1: a consent check every interval, randomized to 0.8-1.2 of it.</summary>
    private TimeSpan JitteredConsentInterval() => _options.ConsentInterval * (0.8 + 0.4 * _random.NextDouble());

    /// <summary>A new selected pair has consent as of now; the first check follows an interval later.</summary>
    private void StartConsent(TimeSpan now)
    {
        _lastConsentAt = now;
        _nextConsentAt = now + JitteredConsentInterval();
    }

    private void ServiceConsent(TimeSpan now)
    {
        if (_selected is null || _restarting || _remoteKey is null) return;
        if (_state is RTCIceTransportState.Failed or RTCIceTransportState.Closed) return;
        if (now < _nextConsentAt) return;
        _nextConsentAt = now + JitteredConsentInterval();
        SendCheck(_selected, now, triggered: false, IceTransactionKind.Consent);
    }

    /// <summary>A consent check, or any check on the selected pair, was answered (RFC 7675 §5.1).</summary>
    private void ConsentRefreshed(TimeSpan now) => _lastConsentAt = now;

    /// <summary>While consent runs: the next check, and the moment silence changes the state
    /// (disconnected, then, once disconnected, consent expiry).</summary>
    private (TimeSpan Check, TimeSpan Expiry)? ConsentDeadlines()
    {
        if (_selected is null || _restarting || _state is RTCIceTransportState.Failed or RTCIceTransportState.Closed) return null;
        var silence = _state == RTCIceTransportState.Disconnected ? _options.ConsentTimeout : _options.DisconnectedTimeout;
        return (_nextConsentAt, _lastConsentAt + silence);
    }
}
