using System.Reflection;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>
/// BouncyCastle's own TLS 1.2 AEAD record cipher (<see cref="TlsAeadCipher"/>, the one our
/// BouncyCastle-based transport uses today), set up without a handshake: a stand-in context over
/// security parameters whose master secret and randoms we choose. The keys and fixed IVs come
/// from BouncyCastle's key block (RFC 5246 §6.3), so tests can build our protection from the very
/// same bytes and compare records.
/// </summary>
internal sealed class BouncyCastleRecordCipher
{
    private BouncyCastleRecordCipher(TlsCipher cipher, byte[] keyBlock)
    {
        Cipher = cipher;
        KeyBlock = keyBlock;
    }

    public TlsCipher Cipher { get; }

    /// <summary>client_write_key | server_write_key | client_write_IV | server_write_IV.</summary>
    public byte[] KeyBlock { get; }

    public static BouncyCastleRecordCipher Create(bool isServer, int keyLength, byte seed)
    {
        var crypto = new BcTlsCrypto(new SecureRandom());
        var parameters = (SecurityParameters)Activator.CreateInstance(typeof(SecurityParameters), nonPublic: true)!;
        Set(parameters, "m_entity", isServer ? ConnectionEnd.server : ConnectionEnd.client);
        Set(parameters, "m_negotiatedVersion", ProtocolVersion.DTLSv12);
        Set(parameters, "m_prfAlgorithm", keyLength == 16 ? PrfAlgorithm.tls_prf_sha256 : PrfAlgorithm.tls_prf_sha384);
        Set(parameters, "m_masterSecret", crypto.CreateSecret(Enumerable.Repeat(seed, 48).ToArray()));
        Set(parameters, "m_clientRandom", Enumerable.Range(0, 32).Select(i => (byte)(seed + i)).ToArray());
        Set(parameters, "m_serverRandom", Enumerable.Range(0, 32).Select(i => (byte)(seed ^ i)).ToArray());

        var context = DispatchProxy.Create<TlsContext, ContextStub>();
        ((ContextStub)(object)context).Init(crypto, parameters, isServer);
        var cryptoParameters = new TlsCryptoParameters(context);
        var keyBlock = TlsImplUtilities.CalculateKeyBlock(cryptoParameters, (2 * keyLength) + (2 * 4));
        var cipher = crypto.CreateCipher(cryptoParameters,
            keyLength == 16 ? EncryptionAlgorithm.AES_128_GCM : EncryptionAlgorithm.AES_256_GCM, MacAlgorithm.cls_null);
        return new BouncyCastleRecordCipher(cipher, keyBlock);
    }

    public byte[] ClientKey(int keyLength) => KeyBlock[..keyLength];
    public byte[] ServerKey(int keyLength) => KeyBlock[keyLength..(2 * keyLength)];
    public byte[] ClientIv(int keyLength) => KeyBlock[(2 * keyLength)..((2 * keyLength) + 4)];
    public byte[] ServerIv(int keyLength) => KeyBlock[((2 * keyLength) + 4)..];

    private static void Set(SecurityParameters parameters, string field, object value) =>
        (typeof(SecurityParameters).GetField(field, BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new MissingFieldException(nameof(SecurityParameters), field)).SetValue(parameters, value);

    /// <summary>The few context members a TLS 1.2 AEAD cipher reads; anything else is a test bug.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852", Justification = "DispatchProxy.Create derives the proxy type from it.")]
    public class ContextStub : DispatchProxy
    {
        private TlsCrypto? _crypto;
        private SecurityParameters? _parameters;
        private bool _isServer;

        internal void Init(TlsCrypto crypto, SecurityParameters parameters, bool isServer)
        {
            _crypto = crypto;
            _parameters = parameters;
            _isServer = isServer;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_Crypto" => _crypto,
            "get_SecurityParameters" or "get_SecurityParametersConnection" => _parameters,
            "get_IsServer" => _isServer,
            "get_ServerVersion" or "get_ClientVersion" => ProtocolVersion.DTLSv12,
            _ => throw new NotSupportedException(targetMethod?.Name),
        };
    }
}
