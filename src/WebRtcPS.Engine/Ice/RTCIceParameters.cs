using System.Security.Cryptography;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// W3C RTCIceParameters: the ice-ufrag and ice-pwd one side sends in its description
/// (RFC 8839 §5.4). Connectivity checks carry USERNAME "remote-ufrag:local-ufrag" and are
/// signed with the receiver's password (RFC 8445 §7.2.2).
/// </summary>
public sealed record RTCIceParameters(string UsernameFragment, string Password)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>
    /// Fresh random credentials (RFC 8445 §5.3: at least 24 bits of randomness in the ufrag and
    /// 128 in the password). Each ice-char carries 6 bits: 8 chars = 48 bits, 24 chars = 144 bits;
    /// RFC 8839 §5.4 asks for 4-256 and 22-256 characters.
    /// </summary>
    public static RTCIceParameters Generate() => new(RandomIceChars(8), RandomIceChars(24));

    /// <summary>Throws when a value breaks RFC 8839 §5.4 (ice-char only, ufrag 4-256, pwd 22-256).</summary>
    public RTCIceParameters Validate()
    {
        if (string.IsNullOrEmpty(UsernameFragment) || UsernameFragment.Length is < 4 or > 256 || !UsernameFragment.All(IsIceChar))
            throw new ArgumentException($"ice-ufrag '{UsernameFragment}' must be 4-256 characters from A-Z, a-z, 0-9, '+' and '/'.", nameof(UsernameFragment));
        if (string.IsNullOrEmpty(Password) || Password.Length is < 22 or > 256 || !Password.All(IsIceChar))
            throw new ArgumentException("ice-pwd must be 22-256 characters from A-Z, a-z, 0-9, '+' and '/'.", nameof(Password));
        return this;
    }

    internal static string RandomIceChars(int length) => RandomNumberGenerator.GetString(IceChars, length);

    internal static bool IsIceChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/';

    /// <summary>The password is a secret: not shown.</summary>
    public override string ToString() => $"ufrag {UsernameFragment}";
}
