namespace WebRtcPS.Engine.Sctp;

/// <summary>Serial number arithmetic (RFC 1982) for 32-bit TSNs and 16-bit SSNs (RFC 9260 §1.6).</summary>
internal static class Tsn
{
    public static bool Lt(uint a, uint b) => a != b && (int)(a - b) < 0;
    public static bool Lte(uint a, uint b) => a == b || (int)(a - b) < 0;
    public static bool Gt(uint a, uint b) => Lt(b, a);
    public static bool Gte(uint a, uint b) => Lte(b, a);
    public static bool Lt(ushort a, ushort b) => a != b && (short)(a - b) < 0;
    public static bool Gte(ushort a, ushort b) => !Lt(a, b);
}
