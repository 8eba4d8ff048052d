namespace WebRtcPS.Engine.Transport;

/// <summary>
/// A lower transport that can push each received datagram to an <see cref="IDatagramSink"/>
/// instead of queuing it for <see cref="IDatagramTransport.ReceiveAsync"/>: the layer above then
/// works on the receiving thread, with no queue and no thread wake-up in between.
/// </summary>
internal interface IDatagramPushSource
{
    /// <summary>Hands every datagram already queued to <paramref name="sink"/>, in order, on the
    /// calling thread, then pushes every later one as it arrives. False (nothing changes) when
    /// another sink is attached. A pending <c>ReceiveAsync</c> gets nothing more.</summary>
    bool TrySetSink(IDatagramSink sink);

    /// <summary>Detaches <paramref name="sink"/> if it is the one attached: later datagrams are
    /// queued again. A push already under way may still reach it.</summary>
    void RemoveSink(IDatagramSink sink);
}
