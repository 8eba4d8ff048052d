namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// Finds the bench's messages in a <c>/receive</c> stream's bytes without building anything: the
/// stream is JSON objects one after another (SEED-PROTOCOL.md; whitespace or newlines between them
/// allowed, no other framing assumed), and of each object only the <c>content</c> string's first
/// two words are read, the send time and the sequence number that <see cref="Program.Stamp"/>
/// and <see cref="SendRequest"/> put there. Objects without <c>content</c> must be heartbeats
/// (<c>"type":"heartbeat"</c>), which are counted and skipped. Keys and values are recognised
/// at the object's top level only; nested values and escapes are stepped over. State is kept
/// between calls, so the bytes may be split anywhere. A stream that is not this throws
/// <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class MessageScanner
{
    private enum Key { None, Content, Type, Other }

    private enum Role { Key, Content, Type, Other }

    private const int MaxStampDigits = 19;
    private const int MaxSeqDigits = 9;

    private static ReadOnlySpan<byte> ContentName => "content"u8;
    private static ReadOnlySpan<byte> TypeName => "type"u8;
    private static ReadOnlySpan<byte> HeartbeatValue => "heartbeat"u8;

    private int _depth;
    private bool _inString;
    private bool _escape;
    private bool _expectKey;
    private Key _key;
    private Role _role;

    // Matching a key (against "content" and "type") or the type's value (against "heartbeat").
    private int _match;
    private bool _maybeContent;
    private bool _maybeType;
    private bool _maybeHeartbeat;

    // The content's stamp: phase 0 reads the send time, 1 the sequence number, 2 the rest.
    private int _phase;
    private int _digits;
    private long _stamp;
    private int _seq;

    private bool _hasContent;
    private bool _isHeartbeat;

    /// <summary>Heartbeat objects seen so far.</summary>
    public long Heartbeats { get; private set; }

    /// <summary>
    /// Scans <paramref name="data"/> from <paramref name="pos"/>; true at the end of a message
    /// object (<paramref name="pos"/> right after its closing brace), with the stamp from its
    /// content. False once the data is used up.
    /// </summary>
    public bool TryNext(ReadOnlySpan<byte> data, ref int pos, out long stamp, out int seq)
    {
        while (pos < data.Length)
        {
            var b = data[pos++];
            if (_inString)
            {
                if (_escape)
                {
                    _escape = false;
                }
                else if (b == (byte)'\\')
                {
                    _escape = true;
                    if (_depth == 1) EscapeInString();
                }
                else if (b == (byte)'"')
                {
                    _inString = false;
                    if (_depth == 1) EndString();
                }
                else if (_depth == 1)
                {
                    StringByte(b);
                }
                continue;
            }
            switch (b)
            {
                case (byte)'{':
                    if (_depth == 0) BeginObject();
                    _depth++;
                    break;
                case (byte)'[':
                    if (_depth == 0) throw Bad("an array where an object was expected");
                    _depth++;
                    break;
                case (byte)'}' or (byte)']':
                    if (_depth == 0) throw Bad($"'{(char)b}' outside an object");
                    if (--_depth > 0) break;
                    if (_hasContent)
                    {
                        stamp = _stamp;
                        seq = _seq;
                        return true;
                    }
                    if (!_isHeartbeat) throw Bad("an object with neither content nor \"type\":\"heartbeat\"");
                    Heartbeats++;
                    break;
                case (byte)'"':
                    _inString = true;
                    if (_depth == 1) BeginString();
                    break;
                case (byte)':':
                    if (_depth == 1) _expectKey = false;
                    break;
                case (byte)',':
                    if (_depth == 1)
                    {
                        _expectKey = true;
                        _key = Key.None;
                    }
                    break;
                case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                    break;
                default:
                    // numbers, true, false, null inside an object; nothing else between objects
                    if (_depth == 0) throw Bad($"byte 0x{b:x2} between objects");
                    break;
            }
        }
        stamp = 0;
        seq = 0;
        return false;
    }

    private void BeginObject()
    {
        _expectKey = true;
        _key = Key.None;
        _hasContent = false;
        _isHeartbeat = false;
    }

    private void BeginString()
    {
        _match = 0;
        if (_expectKey)
        {
            _role = Role.Key;
            _maybeContent = true;
            _maybeType = true;
            return;
        }
        switch (_key)
        {
            case Key.Content:
                _role = Role.Content;
                _phase = 0;
                _digits = 0;
                _stamp = 0;
                _seq = 0;
                break;
            case Key.Type:
                _role = Role.Type;
                _maybeHeartbeat = true;
                break;
            default:
                _role = Role.Other;
                break;
        }
    }

    private void StringByte(byte b)
    {
        switch (_role)
        {
            case Role.Key:
                _maybeContent &= _match < ContentName.Length && ContentName[_match] == b;
                _maybeType &= _match < TypeName.Length && TypeName[_match] == b;
                _match++;
                break;
            case Role.Type:
                _maybeHeartbeat &= _match < HeartbeatValue.Length && HeartbeatValue[_match] == b;
                _match++;
                break;
            case Role.Content when _phase < 2:
                if (b is >= (byte)'0' and <= (byte)'9')
                {
                    if (_phase == 0)
                    {
                        if (++_digits > MaxStampDigits) throw Bad("a content stamp with too many digits");
                        _stamp = _stamp * 10 + (b - '0');
                    }
                    else
                    {
                        if (++_digits > MaxSeqDigits) throw Bad("a content sequence number with too many digits");
                        _seq = _seq * 10 + (b - '0');
                    }
                }
                else if (b == (byte)' ' && _digits > 0)
                {
                    _phase++;
                    _digits = 0;
                }
                else
                {
                    throw Bad("a content that does not start with \"<send time> <sequence number> \"");
                }
                break;
        }
    }

    private void EscapeInString()
    {
        switch (_role)
        {
            case Role.Key:
                _maybeContent = false;
                _maybeType = false;
                break;
            case Role.Type:
                _maybeHeartbeat = false;
                break;
            case Role.Content when _phase < 2:
                throw Bad("an escape inside the content's stamp");
        }
    }

    private void EndString()
    {
        switch (_role)
        {
            case Role.Key:
                _key = _maybeContent && _match == ContentName.Length ? Key.Content
                    : _maybeType && _match == TypeName.Length ? Key.Type
                    : Key.Other;
                break;
            case Role.Type:
                _isHeartbeat = _maybeHeartbeat && _match == HeartbeatValue.Length;
                break;
            case Role.Content:
                if (_phase == 1 && _digits > 0) _phase = 2; // the content was just the stamp
                if (_phase != 2) throw Bad("a content that does not start with \"<send time> <sequence number>\"");
                _hasContent = true;
                break;
        }
    }

    private static InvalidDataException Bad(string what) => new($"/receive stream: {what}");
}
