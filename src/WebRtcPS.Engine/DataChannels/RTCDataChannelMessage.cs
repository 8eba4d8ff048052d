namespace WebRtcPS.Engine.DataChannels;

/// <summary>One message received on a data channel (the W3C MessageEvent's data): text for PPIDs
/// 51/52/56, binary for 53/54/57.</summary>
public sealed class RTCDataChannelMessage : EventArgs
{
    internal RTCDataChannelMessage(bool isText, byte[] data)
    {
        IsText = isText;
        Data = data;
    }

    /// <summary>True for a text message (PPID 51 or 56).</summary>
    public bool IsText { get; }
    /// <summary>The payload (UTF-8 for text).</summary>
    public byte[] Data { get; }
    /// <summary>The UTF-8 text when <see cref="IsText"/>, else null.</summary>
    public string? Text => IsText ? System.Text.Encoding.UTF8.GetString(Data) : null;
}

/// <summary>An RTCErrorEvent's error, reduced to a message.</summary>
public sealed class RTCErrorEventArgs(string message) : EventArgs
{
    /// <summary>What went wrong.</summary>
    public string Message { get; } = message;
}
