using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// One peer's <c>GET /receive?id=</c> on its own connection. <see cref="OpenAsync"/> returns once
/// the answer's head says 200 (both servers send it at once: the peer is then connected);
/// <see cref="RunAsync"/> reads the body, de-frames it (chunked, which both servers use; or a
/// <c>Content-Length</c>; or until the connection closes) and hands each message's stamp to the
/// run's <see cref="IMessageSink"/>. One buffer per stream, every byte consumed before the next
/// read (decoder and scanner keep their state), nothing allocated per message.
/// </summary>
internal sealed class StreamConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly string _name;
    private readonly byte[] _buffer;
    private readonly ChunkedDecoder? _chunked;
    private readonly MessageScanner _scanner = new();
    private long _remaining; // identity body: bytes left, or -1 until the connection closes

    private int _pos;     // framing: next byte of _buffer[.._filled] to de-frame
    private int _filled;
    private int _scan;    // body data not yet scanned: _buffer[_scan.._dataEnd]
    private int _dataEnd;

    private StreamConnection(Socket socket, string name, byte[] buffer, ResponseHead head, int headLength, int filled)
    {
        _socket = socket;
        _name = name;
        _buffer = buffer;
        if (head.Chunked)
        {
            _chunked = new ChunkedDecoder();
            _chunked.Reset();
        }
        _remaining = head.ContentLength;
        _pos = headLength;
        _filled = filled;
    }

    /// <summary>Heartbeats read on this stream so far.</summary>
    public long Heartbeats => _scanner.Heartbeats;

    public static async Task<StreamConnection> OpenAsync(EndPoint server, Uri url, string id, string name)
    {
        var socket = await Wire.ConnectAsync(server);
        try
        {
            var request = Encoding.ASCII.GetBytes(
                $"GET {new Uri(url, "receive?id=" + Uri.EscapeDataString(id)).PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nAccept: application/json\r\n\r\n");
            await Wire.SendAllAsync(socket, request);
            var buffer = new byte[16 * 1024];
            var filled = 0;
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
                if (n == 0) throw new IOException($"{name}: the server closed the connection before answering ({Wire.Excerpt(buffer.AsSpan(0, filled))})");
                filled += n;
                var parsed = ResponseHead.TryParse(buffer.AsSpan(0, filled), out var head, out var headLength);
                if (parsed == ResponseHead.ParseResult.Malformed) throw new InvalidDataException($"{name}: malformed answer head: {Wire.Excerpt(buffer.AsSpan(0, filled))}");
                if (parsed == ResponseHead.ParseResult.Incomplete)
                {
                    if (filled == buffer.Length) throw new InvalidDataException($"{name}: answer head larger than {buffer.Length} bytes");
                    continue;
                }
                if (head.Status != 200)
                    throw new InvalidOperationException($"{name}: GET /receive answered {head.Status}: {Wire.Excerpt(buffer.AsSpan(headLength, filled - headLength))}");
                return new StreamConnection(socket, name, buffer, head, headLength, filled);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads the stream until it fails or is disposed; it never ends otherwise (a server ending it is an error).</summary>
    public async Task RunAsync(IMessageSink sink, int peer)
    {
        await sink.StartAsync(peer);
        var readAt = Stopwatch.GetTimestamp();
        while (true)
        {
            while (TryNextMessage(out var sentAt, out var seq)) await sink.OnMessageAsync(peer, sentAt, seq, readAt);
            if (_chunked?.IsDone ?? _remaining == 0) throw new IOException($"{_name}: the server ended the /receive response");
            _pos = 0;
            _filled = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None);
            if (_filled == 0) throw new IOException($"{_name}: the server closed the /receive stream");
            readAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The next message in the bytes read so far; false when they are used up. A framing or content error names the stream.</summary>
    private bool TryNextMessage(out long sentAt, out int seq)
    {
        try
        {
            while (true)
            {
                if (_scan < _dataEnd && _scanner.TryNext(_buffer.AsSpan(0, _dataEnd), ref _scan, out sentAt, out seq)) return true;
                if (!NextData())
                {
                    (sentAt, seq) = (0, 0);
                    return false;
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{_name}: {ex.Message}", ex);
        }
    }

    /// <summary>The next piece of body data from the bytes read, into <c>_scan.._dataEnd</c>; false when they are used up.</summary>
    private bool NextData()
    {
        if (_chunked is not null)
        {
            if (!_chunked.TryRead(_buffer.AsSpan(0, _filled), ref _pos, out var start, out var length)) return false;
            _scan = start;
            _dataEnd = start + length;
            return true;
        }
        var n = _remaining < 0 ? _filled - _pos : (int)Math.Min(_remaining, _filled - _pos);
        if (n == 0) return false;
        _scan = _pos;
        _dataEnd = _pos + n;
        _pos += n;
        if (_remaining > 0) _remaining -= n;
        return true;
    }

    public void Dispose() => _socket.Dispose();
}
