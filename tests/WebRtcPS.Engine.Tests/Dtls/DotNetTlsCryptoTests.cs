using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class DotNetTlsCryptoTests
{
    [Fact]
    public void A_prepared_P256_key_is_taken_once_and_only_for_P256()
    {
        var crypto = new DotNetTlsCrypto();
        crypto.PrepareEphemeralKey();

        Assert.Null(crypto.TakePreparedKey(NamedGroup.secp384r1));
        using var key = crypto.TakePreparedKey(NamedGroup.secp256r1);
        Assert.NotNull(key);
        Assert.Null(crypto.TakePreparedKey(NamedGroup.secp256r1));
    }

    [Fact]
    public void An_agreement_uses_the_prepared_key_and_agrees_with_a_peer_without_one()
    {
        var prepared = new DotNetTlsCrypto();
        var plain = new DotNetTlsCrypto();
        prepared.PrepareEphemeralKey();
        var a = prepared.CreateECDomain(new TlsECConfig(NamedGroup.secp256r1)).CreateECDH();
        var b = plain.CreateECDomain(new TlsECConfig(NamedGroup.secp256r1)).CreateECDH();

        var pointA = a.GenerateEphemeral();
        var pointB = b.GenerateEphemeral();
        Assert.Null(prepared.TakePreparedKey(NamedGroup.secp256r1)); // the agreement took it
        a.ReceivePeerValue(pointB);
        b.ReceivePeerValue(pointA);

        Assert.Equal(b.CalculateSecret().Extract(), a.CalculateSecret().Extract());
    }

    [Fact]
    public void A_discarded_key_is_not_used_again()
    {
        var crypto = new DotNetTlsCrypto();
        crypto.PrepareEphemeralKey();
        crypto.DiscardPreparedKey();
        Assert.Null(crypto.TakePreparedKey(NamedGroup.secp256r1));
    }
}
