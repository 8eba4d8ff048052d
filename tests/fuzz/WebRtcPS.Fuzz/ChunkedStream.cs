namespace WebRtcPS.Fuzz;

/// <summary>A read-only stream over fuzz input that returns it in reads of varying size (the
/// first byte seeds the sizes), as a socket splits a stream, so reassembly paths run too.</summary>
internal sealed class ChunkedStream(byte[] data) : Stream
{
    private int _position;
    private uint _state = data.Length > 0 ? data[0] * 2654435761u + 1 : 1;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int left = data.Length - _position;
        if (left == 0 || buffer.IsEmpty) return 0;
        _state = _state * 1103515245 + 12345;
        int size = (_state >> 16) % 4 == 0 ? 1 + (int)((_state >> 8) % 7) : 1 + (int)((_state >> 4) % 4096);
        int n = Math.Min(Math.Min(size, left), buffer.Length);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
