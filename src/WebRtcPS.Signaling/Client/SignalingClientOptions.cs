namespace WebRtcPS.Signaling.Client;

/// <summary>Reconnection and liveness settings of a <see cref="SignalingClient"/>.</summary>
public sealed class SignalingClientOptions
{
    /// <summary>First wait before reconnecting; doubles per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A stream silent this long (no message, no heartbeat) is presumed dead and reopened.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(35);

    /// <summary>Timeout of one /send request.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Checks every delay is positive and the maximum is not below the initial delay.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (InitialReconnectDelay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InitialReconnectDelay));
        if (MaxReconnectDelay < InitialReconnectDelay) throw new ArgumentOutOfRangeException(nameof(MaxReconnectDelay));
        if (IdleTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(IdleTimeout));
        if (SendTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SendTimeout));
    }
}
