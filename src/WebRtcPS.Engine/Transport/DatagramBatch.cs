namespace WebRtcPS.Engine.Transport;

/// <summary>
/// Datagrams handed down a stack of <see cref="IDatagramTransport"/>s together, back to back in
/// one buffer: the packets one step of a protocol loop produced (an SCTP loop step after a SACK
/// opens the window). A layer does its per-call work once per batch instead of once per datagram
/// (one lock, one system call: UDP generic segmentation offload sends a run of equal-sized
/// datagrams with one <c>sendmsg</c>).
/// </summary>
/// <remarks>
/// Not thread-safe: one owner fills it, hands it down, and clears it when the send has returned.
/// The buffer grows on demand; callers keep batches to about 64 KiB (what one UDP segmentation
/// send carries) by sending and clearing when <see cref="TotalLength"/> gets there.
/// </remarks>
public sealed class DatagramBatch
{
    private byte[] _buffer;
    private int[] _ends = new int[64];
    private int _count;
    private int _length;
    private int _reserved = -1;

    /// <summary>A batch whose buffer starts at <paramref name="capacity"/> bytes.</summary>
    public DatagramBatch(int capacity = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _buffer = new byte[capacity];
    }

    /// <summary>Datagrams in the batch.</summary>
    public int Count => _count;

    /// <summary>Bytes of all datagrams together.</summary>
    public int TotalLength => _length;

    /// <summary>The datagrams back to back (<see cref="TotalLength"/> bytes).</summary>
    public ReadOnlyMemory<byte> Buffer => _buffer.AsMemory(0, _length);

    /// <summary>The <paramref name="index"/>th datagram.</summary>
    public ReadOnlyMemory<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            var start = index == 0 ? 0 : _ends[index - 1];
            return _buffer.AsMemory(start, _ends[index] - start);
        }
    }

    /// <summary>Length of the <paramref name="index"/>th datagram.</summary>
    public int LengthAt(int index) => this[index].Length;

    /// <summary>Offset of the <paramref name="index"/>th datagram in <see cref="Buffer"/>.</summary>
    public int OffsetOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        return index == 0 ? 0 : _ends[index - 1];
    }

    /// <summary>Appends a copy of <paramref name="datagram"/>.</summary>
    public void Add(ReadOnlySpan<byte> datagram)
    {
        datagram.CopyTo(Reserve(datagram.Length));
        Commit(datagram.Length);
    }

    /// <summary>Room for the next datagram, to be written in place (no copy) and then
    /// <see cref="Commit"/>ted with its real length (at most <paramref name="maxLength"/>).</summary>
    public Span<byte> Reserve(int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (_length + maxLength > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + maxLength));
        _reserved = maxLength;
        return _buffer.AsSpan(_length, maxLength);
    }

    /// <summary>Ends the datagram written into the last <see cref="Reserve"/>d span.</summary>
    public void Commit(int length)
    {
        if (_reserved < 0) throw new InvalidOperationException("Commit without Reserve.");
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _reserved);
        _reserved = -1;
        if (_count == _ends.Length) Array.Resize(ref _ends, _ends.Length * 2);
        _length += length;
        _ends[_count++] = _length;
    }

    /// <summary>Empties the batch (the buffer is kept).</summary>
    public void Clear()
    {
        _count = 0;
        _length = 0;
        _reserved = -1;
    }
}
