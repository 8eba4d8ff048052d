using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// Splits a <see cref="DatagramBatch"/> into runs that one UDP generic segmentation offload send
/// can carry (Linux <c>UDP_SEGMENT</c>, udp(7)): the kernel cuts the payload into datagrams of
/// exactly the segment size, and only the last may be shorter. So a run is datagrams of one
/// length, optionally ended by one shorter datagram, at most <see cref="MaxSegments"/> of them and
/// at most <see cref="MaxRunBytes"/> bytes (one IP datagram's payload limit: the kernel builds the
/// run as one large UDP packet before it segments it).
/// </summary>
internal static class UdpSegmentRuns
{
    /// <summary>UDP_MAX_SEGMENTS was 64 when UDP_SEGMENT appeared (Linux 4.18); later kernels allow 128.</summary>
    public const int MaxSegments = 64;

    /// <summary>65,535 minus the IPv4 and UDP headers, rounded down a little.</summary>
    public const int MaxRunBytes = 65_000;

    /// <summary>How many datagrams from <paramref name="start"/> form the next run (at least 1);
    /// <paramref name="segmentSize"/> is the first one's length.</summary>
    public static int Next(DatagramBatch batch, int start, out int segmentSize)
    {
        segmentSize = batch.LengthAt(start);
        var count = 1;
        var bytes = segmentSize;
        for (var i = start + 1; i < batch.Count && count < MaxSegments; i++)
        {
            var length = batch.LengthAt(i);
            if (length > segmentSize || length == 0 || bytes + length > MaxRunBytes) break;
            count++;
            bytes += length;
            if (length < segmentSize) break;   // a shorter datagram can only end a run
        }
        return count;
    }
}
