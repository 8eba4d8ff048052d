using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// Reads SDP text (RFC 8866 §5, grammar §9) into <see cref="SdpSessionDescription"/>. Lenient only
/// where real peers differ (LF or CRLF line ends, trailing blank lines, field order within a level);
/// everything else that is wrong is reported as an <see cref="SdpParseException"/> naming the line.
/// </summary>
internal static class SdpParser
{
    // Session-level types that may appear at most once (RFC 8866 §5: "i=*", "u=*", "c=*", "z=*", "k=*").
    private const string SessionSingle = "iuczk";
    private const string SessionTypes = "iuepcbtrzka";
    private const string MediaTypes = "icbka";

    public static bool TryParse(string? text, [NotNullWhen(true)] out SdpSessionDescription? description, [NotNullWhen(false)] out SdpParseException? error)
    {
        try
        {
            description = Parse(text);
            error = null;
            return true;
        }
        catch (SdpParseException ex)
        {
            description = null;
            error = ex;
            return false;
        }
    }

    public static SdpSessionDescription Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new SdpParseException(1, text ?? string.Empty, "the description is empty; SDP starts with \"v=0\".");

        var lines = SplitLines(text);
        SdpSessionDescription? session = null;
        SdpMediaDescription? media = null;
        var seen = new HashSet<char>();
        var sessionName = (string?)null;

        for (var i = 0; i < lines.Count; i++)
        {
            var number = i + 1;
            var line = lines[i];
            SdpParseException Error(string reason) => new(number, line, reason);

            if (line.Length == 0) throw Error("empty line inside the description.");
            var bad = SdpSyntax.IndexOfInvalidChar(line);
            if (bad >= 0) throw Error($"control or undecodable character U+{(int)line[bad]:X4} at column {bad + 1}.");
            if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z')
                throw Error("expected \"<type>=<value>\" with a single lower-case letter type (RFC 8866 §5).");
            var type = line[0];
            var value = line[2..];

            // RFC 8866 §5: v=, o= and s= come first, in that order.
            if (number == 1)
            {
                if (type != 'v') throw Error("the description must start with \"v=0\" (no v= line).");
                if (value != "0") throw Error($"unsupported protocol version '{value}'; only v=0 exists.");
                continue;
            }
            if (number == 2)
            {
                if (type != 'o') throw Error("the second line must be the origin \"o=\".");
                if (!SdpOrigin.TryParse(value, out var origin, out var originError)) throw Error(originError);
                session = new SdpSessionDescription { Origin = origin };
                continue;
            }
            if (number == 3)
            {
                if (type != 's') throw Error("the third line must be the session name \"s=\" (JSEP writes \"s=-\").");
                sessionName = value;
                session!.SessionName = value;
                continue;
            }
            var s = session!;

            if (type == 'm')
            {
                if (s.Timings.Count == 0) throw Error("no t= line before the first m= line (RFC 8866 §5.9 requires one).");
                media = ParseMediaLine(value, Error);
                media.LineNumber = number;
                s.MediaDescriptions.Add(media);
                continue;
            }

            if (media is null)
                ParseSessionField(s, type, value, seen, Error);
            else
                ParseMediaField(media, type, value, Error);
        }

        if (session is null || sessionName is null)
            throw new SdpParseException(lines.Count, lines[^1], "the description ends before the v=, o= and s= lines are complete.");
        if (session.Timings.Count == 0)
            throw new SdpParseException(lines.Count, lines[^1], "the description has no t= line (RFC 8866 §5.9; JSEP writes \"t=0 0\").");
        return session;
    }

    private delegate SdpParseException Fail(string reason);

    private static void ParseSessionField(SdpSessionDescription s, char type, string value, HashSet<char> seen, Fail error)
    {
        if (SessionTypes.IndexOf(type) < 0)
            throw error($"'{type}=' is not an SDP session-level field (RFC 8866 §5).");
        if (SessionSingle.Contains(type) && !seen.Add(type))
            throw error($"'{type}=' may appear only once at session level.");
        switch (type)
        {
            case 'i': s.Information = value; break;
            case 'u': s.Uri = value; break;
            case 'e': s.Emails.Add(value); break;
            case 'p': s.Phones.Add(value); break;
            case 'c': s.Connection = ParseConnection(value, error); break;
            case 'b': s.Bandwidths.Add(ParseBandwidth(value, error)); break;
            case 't':
                var t = value.Split(' ');
                if (t.Length != 2 || !SdpSyntax.IsDigits(t[0]) || !SdpSyntax.IsDigits(t[1]))
                    throw error("t= must be \"<start-time> <stop-time>\" in decimal (WebRTC writes \"t=0 0\").");
                s.Timings.Add(new SdpTiming(value));
                break;
            case 'r':
                if (s.Timings.Count == 0) throw error("r= must follow a t= line (RFC 8866 §5.10).");
                var last = s.Timings[^1];
                s.Timings[^1] = last with { Repeats = [.. last.Repeats, value] };
                break;
            case 'z': s.TimeZones = value; break;
            case 'k': s.EncryptionKey = value; break;
            case 'a': s.Attributes.Add(ParseAttribute(value, mediaLevel: false, error)); break;
        }
    }

    private static void ParseMediaField(SdpMediaDescription m, char type, string value, Fail error)
    {
        if (MediaTypes.IndexOf(type) < 0)
            throw error($"'{type}=' is not allowed in a media section (only i=, c=, b=, k= and a= follow m=; RFC 8866 §5).");
        switch (type)
        {
            case 'i':
                if (m.Information is not null) throw error("'i=' may appear only once in a media section.");
                m.Information = value;
                break;
            case 'c':
                // RFC 8866 §5.7 allows several c= lines for multicast; WebRTC uses one.
                if (m.Connection is not null) throw error("more than one c= line in a media section is not supported.");
                m.Connection = ParseConnection(value, error);
                break;
            case 'b': m.Bandwidths.Add(ParseBandwidth(value, error)); break;
            case 'k': m.EncryptionKey = value; break;
            case 'a': m.Attributes.Add(ParseAttribute(value, mediaLevel: true, error)); break;
        }
    }

    private static SdpMediaDescription ParseMediaLine(string value, Fail error)
    {
        // m=<media> <port>[/<number of ports>] <proto> 1*(SP <fmt>)   (RFC 8866 §5.14)
        var f = value.Split(' ');
        if (f.Length < 4 || f.Any(string.IsNullOrEmpty))
            throw error("m= must be \"<media> <port> <proto> <fmt> ...\" separated by single spaces (e.g. m=application 9 UDP/DTLS/SCTP webrtc-datachannel).");
        if (!SdpSyntax.IsToken(f[0])) throw error($"media type '{f[0]}' is not a token.");

        var portText = f[1];
        int? count = null;
        var slash = portText.IndexOf('/');
        if (slash >= 0)
        {
            var countText = portText[(slash + 1)..];
            if (!SdpSyntax.IsDigits(countText) || countText.Length > 5 || int.Parse(countText, CultureInfo.InvariantCulture) is < 1 or > 65535)
                throw error($"number of ports '{countText}' must be a number from 1 to 65535.");
            count = int.Parse(countText, CultureInfo.InvariantCulture);
            portText = portText[..slash];
        }
        if (!SdpSyntax.IsDigits(portText) || portText.Length > 5 || int.Parse(portText, CultureInfo.InvariantCulture) > 65535)
            throw error($"port '{portText}' must be a number from 0 to 65535.");
        if (!SdpSyntax.IsProto(f[2])) throw error($"transport protocol '{f[2]}' is not \"token/token...\" (e.g. UDP/DTLS/SCTP).");
        var bad = Array.Find(f[3..], x => !SdpSyntax.IsToken(x));
        if (bad is not null) throw error($"media format '{bad}' is not a token.");

        return new SdpMediaDescription
        {
            Media = f[0],
            Port = int.Parse(portText, CultureInfo.InvariantCulture),
            NumberOfPorts = count,
            Proto = f[2],
            Formats = [.. f[3..]],
        };
    }

    private static SdpConnection ParseConnection(string value, Fail error) =>
        SdpConnection.TryParse(value, out var c, out var e) ? c : throw error(e);

    private static string ParseBandwidth(string value, Fail error)
    {
        // b=<bwtype>:<bandwidth> (RFC 8866 §5.8)
        var colon = value.IndexOf(':');
        if (colon <= 0 || !SdpSyntax.IsToken(value[..colon]) || !SdpSyntax.IsDigits(value[(colon + 1)..]))
            throw error("b= must be \"<bwtype>:<bandwidth>\" (e.g. b=AS:30).");
        return value;
    }

    private static SdpAttribute ParseAttribute(string value, bool mediaLevel, Fail error)
    {
        if (value.Length == 0) throw error("a= has no attribute name.");
        var attribute = SdpAttribute.FromLineValue(value);
        var problem = SdpAttributeRules.CheckValue(attribute) ?? SdpAttributeRules.CheckScope(attribute, mediaLevel);
        return problem is null ? attribute : throw error(problem);
    }

    /// <summary>Splits at LF, dropping a CR before it; blank lines at the end are ignored.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>(text.Split('\n'));
        for (var i = 0; i < lines.Count; i++)
            if (lines[i].EndsWith('\r')) lines[i] = lines[i][..^1];
        while (lines.Count > 0 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }
}
