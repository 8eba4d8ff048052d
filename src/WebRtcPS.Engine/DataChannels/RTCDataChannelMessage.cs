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

    public bool IsText { get; }
    public byte[] Data { get; }
    /// <summary>The UTF-8 text when <see cref="IsText"/>, else null.</summary>
    public string? Text => IsText ? System.Text.Encoding.UTF8.GetString(Data) : null;
}

/// <summary>An RTCErrorEvent's error, reduced to a message.</summary>
public sealed class RTCErrorEventArgs(string message) : EventArgs
{
    public string Message { get; } = message;
}
