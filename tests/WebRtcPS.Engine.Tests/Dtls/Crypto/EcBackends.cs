using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>The EC backends the tests run: .NET's classes always, OpenSSL's EC_KEY functions where
/// the engine uses them (<see cref="LibCryptoEc.IsAvailable"/>: Linux).</summary>
internal static class EcBackends
{
    /// <summary>false = .NET's, true = OpenSSL's directly.</summary>
    public static readonly bool[] All = LibCryptoEc.IsAvailable ? [false, true] : [false];
}
