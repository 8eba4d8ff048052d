namespace WebRtcPS.Engine.Dtls;

/// <summary>HandshakeType (RFC 5246 §7.4, RFC 6347 §4.2.2 adds hello_verify_request(3)). A byte
/// outside this list is kept as a cast value: the state machine decides what is unexpected.</summary>
internal enum DtlsHandshakeType : byte
{
    HelloRequest = 0,
    ClientHello = 1,
    ServerHello = 2,
    HelloVerifyRequest = 3,
    Certificate = 11,
    ServerKeyExchange = 12,
    CertificateRequest = 13,
    ServerHelloDone = 14,
    CertificateVerify = 15,
    ClientKeyExchange = 16,
    Finished = 20,
}
