namespace WebRtcPS.Engine.Sctp;

/// <summary>A stream's bufferedAmount went down (its queued data was handed to the network or abandoned).</summary>
internal sealed class BufferedAmountEventArgs(ushort streamId, long bufferedAmount, long decrease) : EventArgs
{
    /// <summary>By how much it went down.</summary>
    public long Decrease { get; } = decrease;
    public ushort StreamId { get; } = streamId;
    public long BufferedAmount { get; } = bufferedAmount;
}
