using System.Formats.Asn1;
using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The DER of a self-signed X.509 v3 certificate with an ECDSA P-256 key and no extensions
/// (RFC 5280 §4.1), the same structure .NET's <c>CertificateRequest.CreateSelfSigned</c> writes
/// for a request without extensions: version v3, an 8-byte positive random serial,
/// ecdsa-with-SHA256 (RFC 5758 §3.2: no parameters), issuer = subject, UTCTime up to 2049 and
/// GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), the key's SubjectPublicKeyInfo.
/// </summary>
internal static class SelfSignedCertificate
{
    private const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>A Name with one RDN, CN as a UTF8String (RFC 5280 §4.1.2.4, §4.1.2.6).</summary>
    public static byte[] CommonNameOnly(string commonName)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(CommonNameOid);
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, commonName);
        }
        return writer.Encode();
    }

    /// <summary>X.509 validity has whole seconds: the time the certificate will say.</summary>
    public static DateTimeOffset WholeSeconds(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    /// <summary>Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }, signed by <paramref name="key"/>.</summary>
    public static byte[] Create(ECDsa key, byte[] name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                tbs.WriteInteger(2); // v3
            Span<byte> serial = stackalloc byte[8];
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7F;            // positive (RFC 5280 §4.1.2.2)
            if (serial[0] == 0) serial[0] = 1; // and minimally encoded in its 8 bytes
            tbs.WriteInteger(serial);
            WriteAlgorithm(tbs);
            tbs.WriteEncodedValue(name);
            using (tbs.PushSequence())
            {
                WriteTime(tbs, notBefore);
                WriteTime(tbs, notAfter);
            }
            tbs.WriteEncodedValue(name);
            tbs.WriteEncodedValue(key.ExportSubjectPublicKeyInfo());
        }
        var tbsDer = tbs.Encode();
        var signature = key.SignData(tbsDer, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        var certificate = new AsnWriter(AsnEncodingRules.DER);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(tbsDer);
            WriteAlgorithm(certificate);
            certificate.WriteBitString(signature);
        }
        return certificate.Encode();
    }

    private static void WriteAlgorithm(AsnWriter writer)
    {
        using (writer.PushSequence())
            writer.WriteObjectIdentifier(EcdsaWithSha256);
    }

    private static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        if (time.UtcDateTime.Year < 2050) writer.WriteUtcTime(time);
        else writer.WriteGeneralizedTime(time, omitFractionalSeconds: true);
    }
}
