namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// Streaming decoder of the chunked transfer coding (RFC 9112 §7.1): <c>size-hex [;ext] CRLF data CRLF</c>
/// ... <c>0 CRLF [trailer lines] CRLF</c>. It keeps its state between calls, so a read may end
/// anywhere (inside a size line, inside data, between CR and LF) and no byte is ever copied: the
/// data comes back as positions in the caller's buffer. Framing errors throw
/// <see cref="InvalidDataException"/> (a server that breaks the framing fails the bench run).
/// </summary>
internal sealed class ChunkedDecoder
{
    private enum State { Size, Extension, SizeLf, Data, DataCr, DataLf, Trailer, TrailerLf, Done }

    private State _state;
    private long _remaining;
    private int _sizeDigits;
    private bool _trailerLineEmpty;

    /// <summary>The last chunk and the trailer section have been read: the body is complete.</summary>
    public bool IsDone => _state == State.Done;

    public void Reset()
    {
        _state = State.Size;
        _remaining = 0;
        _sizeDigits = 0;
        _trailerLineEmpty = false;
    }

    /// <summary>
    /// Consumes framing from <paramref name="input"/> at <paramref name="pos"/> until the next piece
    /// of chunk data, returned as <paramref name="dataStart"/> / <paramref name="dataLength"/>
    /// (a chunk split across reads comes back in pieces). False once the input is used up or the
    /// body has ended (<see cref="IsDone"/>; <paramref name="pos"/> then stops right after it).
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> input, ref int pos, out int dataStart, out int dataLength)
    {
        dataStart = pos;
        dataLength = 0;
        while (pos < input.Length)
        {
            if (_state == State.Data)
            {
                var n = (int)Math.Min(_remaining, input.Length - pos);
                dataStart = pos;
                dataLength = n;
                pos += n;
                _remaining -= n;
                if (_remaining == 0) _state = State.DataCr;
                return true;
            }
            if (_state == State.Done) return false;

            var b = input[pos++];
            switch (_state)
            {
                case State.Size:
                    var digit = HexValue(b);
                    if (digit >= 0)
                    {
                        if (++_sizeDigits > 15) throw Bad("chunk size with more than 15 hex digits");
                        _remaining = _remaining * 16 + digit;
                    }
                    else if (_sizeDigits > 0 && b is (byte)';' or (byte)' ' or (byte)'\t')
                    {
                        _state = State.Extension;
                    }
                    else if (_sizeDigits > 0 && b == (byte)'\r')
                    {
                        _state = State.SizeLf;
                    }
                    else
                    {
                        throw Bad($"byte 0x{b:x2} where a chunk size was expected");
                    }
                    break;
                case State.Extension:
                    if (b == (byte)'\r') _state = State.SizeLf;
                    break;
                case State.SizeLf:
                    Expect(b, (byte)'\n', "LF after the chunk size");
                    _sizeDigits = 0;
                    if (_remaining == 0)
                    {
                        _state = State.Trailer;
                        _trailerLineEmpty = true;
                    }
                    else
                    {
                        _state = State.Data;
                    }
                    break;
                case State.DataCr:
                    Expect(b, (byte)'\r', "CR after chunk data");
                    _state = State.DataLf;
                    break;
                case State.DataLf:
                    Expect(b, (byte)'\n', "LF after chunk data");
                    _state = State.Size;
                    break;
                case State.Trailer:
                    if (b == (byte)'\r') _state = State.TrailerLf;
                    else _trailerLineEmpty = false;
                    break;
                case State.TrailerLf:
                    Expect(b, (byte)'\n', "LF in the trailer section");
                    if (_trailerLineEmpty)
                    {
                        _state = State.Done;
                        return false;
                    }
                    _state = State.Trailer;
                    _trailerLineEmpty = true;
                    break;
            }
        }
        return false;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static void Expect(byte b, byte expected, string what)
    {
        if (b != expected) throw Bad($"byte 0x{b:x2} where the {what} was expected");
    }

    private static InvalidDataException Bad(string what) => new($"chunked framing: {what}");
}
