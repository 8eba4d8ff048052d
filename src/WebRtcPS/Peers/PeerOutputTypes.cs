using WebRtcPS.Engine.Ice;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS;

/// <summary>A state change of one of a peer's state machines (Ice, Connection, Signaling, Gathering, Dtls, Sctp, Channel).</summary>
public sealed class StateChange : PeerEvent
{
    internal StateChange(string peerId, SeedPeerStateEvent e)
        : base(peerId, e.Timestamp, e.Elapsed)
    {
        Machine = e.Machine.ToString();
        From = e.From;
        To = e.To;
        Detail = e.Detail;
    }

    public override PeerEventType EventType => PeerEventType.State;
    public string Machine { get; }
    public string From { get; }
    public string To { get; }
    public string? Detail { get; }

    public override string ToString() => $"{Machine}: {From} -> {To}";
}

/// <summary>The candidate pair ICE selected: how the connection was made.</summary>
public sealed class SelectedCandidatePair : PeerEvent
{
    internal SelectedCandidatePair(string peerId, DateTimeOffset timestamp, TimeSpan elapsed, RTCIceCandidatePair pair)
        : base(peerId, timestamp, elapsed)
    {
        Protocol = pair.Local.Protocol.ToString().ToLowerInvariant();
        LocalType = pair.Local.Type.ToString().ToLowerInvariant();
        LocalAddress = pair.Local.Address;
        LocalPort = pair.Local.Port;
        RemoteType = pair.Remote.Type.ToString().ToLowerInvariant();
        RemoteAddress = pair.Remote.Address;
        RemotePort = pair.Remote.Port;
    }

    public override PeerEventType EventType => PeerEventType.Pair;
    public string Protocol { get; }
    public string LocalType { get; }
    public string LocalAddress { get; }
    public int LocalPort { get; }
    public string RemoteType { get; }
    public string RemoteAddress { get; }
    public int RemotePort { get; }

    public override string ToString() => $"{LocalType} {LocalAddress}:{LocalPort} <-> {RemoteType} {RemoteAddress}:{RemotePort} ({Protocol})";
}

/// <summary>Whether a message was sent or received.</summary>
public enum MessageDirection
{
    Sent,
    Received,
}

/// <summary>A data-channel message.</summary>
public sealed class WrtcMessage : PeerEvent
{
    internal WrtcMessage(string peerId, DateTimeOffset timestamp, TimeSpan elapsed, MessageDirection direction, string label, bool isText, byte[] data)
        : base(peerId, timestamp, elapsed)
    {
        Direction = direction;
        Label = label;
        IsBinary = !isText;
        Text = isText ? System.Text.Encoding.UTF8.GetString(data) : null;
        Data = isText ? null : data;
        Length = data.Length;
    }

    public override PeerEventType EventType => PeerEventType.Message;
    public MessageDirection Direction { get; }
    public string Label { get; }
    public bool IsBinary { get; }

    /// <summary>The text of a text message; null for binary.</summary>
    public string? Text { get; }

    /// <summary>The bytes of a binary message; null for text.</summary>
    public byte[]? Data { get; }

    /// <summary>Length in bytes.</summary>
    public int Length { get; }

    public override string ToString() => Text ?? $"({Length} bytes)";
}
