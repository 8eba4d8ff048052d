namespace WebRtcPS.Engine.Sdp;

/// <summary>Character classes of the RFC 8866 §9 grammar that the parser checks.</summary>
internal static class SdpSyntax
{
    /// <summary>token-char: visible ASCII except the tspecials ( ) &lt; &gt; @ , ; : \ " / [ ] ? = { } and space.</summary>
    public static bool IsTokenChar(char c) =>
        c is > ' ' and < (char)0x7f && "()<>@,;:\\\"/[]?={}".IndexOf(c) < 0;

    public static bool IsToken(string s)
    {
        if (s.Length == 0) return false;
        foreach (var c in s) if (!IsTokenChar(c)) return false;
        return true;
    }

    /// <summary>
    /// byte-string (RFC 8866 §9): any octet except NUL, CR and LF. We also refuse the other C0
    /// controls except TAB and U+FFFD (what undecodable bytes become) so binary garbage is reported
    /// rather than carried along.
    /// </summary>
    public static int IndexOfInvalidChar(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if ((c < ' ' && c != '\t') || c == 0x7f || c == '\uFFFD') return i;
        }
        return -1;
    }

    /// <summary>proto (RFC 8866 §9): token *("/" token), e.g. UDP/DTLS/SCTP.</summary>
    public static bool IsProto(string s) =>
        s.Length > 0 && s.Split('/').All(IsToken);

    public static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);
}
