namespace WebRtcPS.Engine.Transport;

/// <summary>
/// Takes datagrams pushed by an <see cref="IDatagramPushSource"/>, on the source's own receive
/// threads: ICE has one per socket, so calls may overlap and the sink serializes what needs it.
/// </summary>
/// <remarks>
/// The call is on the critical path of every received datagram (ICE's socket thread), so it must
/// not block, must not throw, and must not run user code. The span is valid only during the call.
/// </remarks>
internal interface IDatagramSink
{
    void OnDatagram(ReadOnlySpan<byte> datagram);

    /// <summary>The source ended (closed or failed): nothing more will be pushed. Called once, on
    /// the thread that ended it, with no lock of the source held.</summary>
    void OnSourceEnded()
    {
    }
}
