using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// One keep-alive HTTP/1.1 connection for <c>POST /send</c>, one request at a time: writes a
/// pre-encoded request, reads the answer's head and frames its body (<c>Content-Length</c>, or
/// chunked as our server's refusals are) without keeping it. Anything but 200 throws with the
/// server's reason. The buffer is allocated once; an exchange allocates nothing (pooled
/// async builder, the socket's own cached awaitables).
/// </summary>
internal sealed class SendConnection : IDisposable
{
    private const int MaxReason = 512;

    private readonly Socket _socket;
    private readonly string _name;
    private readonly byte[] _buffer = new byte[4096];
    private readonly ChunkedDecoder _chunked = new();
    private byte[]? _reason;
    private int _reasonLength;

    private SendConnection(Socket socket, string name)
    {
        _socket = socket;
        _name = name;
    }

    public static async Task<SendConnection> ConnectAsync(EndPoint server, string name)
    {
        var socket = await Wire.ConnectAsync(server);
        return new SendConnection(socket, name);
    }

    /// <summary>Sends <paramref name="request"/> and reads its answer; throws unless it is 200.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ExchangeAsync(ReadOnlyMemory<byte> request)
    {
        await Wire.SendAllAsync(_socket, request);

        var filled = 0;
        ResponseHead head;
        int headLength;
        while (true)
        {
            filled += Received(await _socket.ReceiveAsync(_buffer.AsMemory(filled), SocketFlags.None));
            var parsed = ResponseHead.TryParse(_buffer.AsSpan(0, filled), out head, out headLength);
            if (parsed == ResponseHead.ParseResult.Complete) break;
            if (parsed == ResponseHead.ParseResult.Malformed) throw new InvalidDataException($"{_name}: malformed answer head: {Wire.Excerpt(_buffer.AsSpan(0, filled))}");
            if (filled == _buffer.Length) throw new InvalidDataException($"{_name}: answer head larger than {_buffer.Length} bytes");
        }

        _reasonLength = 0;
        var keep = head.Status != 200; // a refusal's body is its reason
        var pos = headLength;
        if (head.Chunked)
        {
            _chunked.Reset();
            while (true)
            {
                while (_chunked.TryRead(_buffer.AsSpan(0, filled), ref pos, out var start, out var length))
                {
                    if (keep) Keep(start, length);
                }
                if (_chunked.IsDone) break;
                filled = Received(await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None));
                pos = 0;
            }
            if (pos != filled) throw new InvalidDataException($"{_name}: {filled - pos} bytes after the answer");
        }
        else if (head.ContentLength >= 0)
        {
            var remaining = head.ContentLength;
            while (true)
            {
                var n = (int)Math.Min(remaining, filled - pos);
                if (keep) Keep(pos, n);
                remaining -= n;
                pos += n;
                if (pos != filled) throw new InvalidDataException($"{_name}: {filled - pos} bytes after the answer");
                if (remaining == 0) break;
                filled = Received(await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None));
                pos = 0;
            }
        }
        else
        {
            throw new InvalidDataException($"{_name}: answer {head.Status} with neither Content-Length nor chunked framing");
        }

        if (head.Status != 200)
            throw new InvalidOperationException($"{_name}: POST /send answered {head.Status}: {Encoding.UTF8.GetString(_reason!, 0, _reasonLength).Trim()}");
        if (head.Close) throw new InvalidOperationException($"{_name}: the server closes the /send connection after each answer (Connection: close)");
    }

    private int Received(int n) =>
        n > 0 ? n : throw new IOException($"{_name}: the server closed the /send connection before its answer was complete");

    private void Keep(int start, int length)
    {
        _reason ??= new byte[MaxReason];
        var n = Math.Min(length, MaxReason - _reasonLength);
        _buffer.AsSpan(start, n).CopyTo(_reason.AsSpan(_reasonLength));
        _reasonLength += n;
    }

    public void Dispose() => _socket.Dispose();
}
