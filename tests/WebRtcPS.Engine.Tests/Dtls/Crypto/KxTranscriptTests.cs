using System.Security.Cryptography;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class KxTranscriptTests
{
    private static readonly byte[][] Messages = [RandomNumberGenerator.GetBytes(120), RandomNumberGenerator.GetBytes(1), [], RandomNumberGenerator.GetBytes(900)];

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA384")]
    public void The_hash_is_that_of_the_concatenation_and_reading_it_does_not_stop_it(string name)
    {
        var hash = new HashAlgorithmName(name);
        using var transcript = new HandshakeTranscript();
        var all = new List<byte>();
        for (var i = 0; i < Messages.Length; i++)
        {
            transcript.Append(Messages[i]);
            all.AddRange(Messages[i]);
            if (i == 1) transcript.Select(hash); // after the ServerHello, as a client would
            if (i >= 1) Assert.Equal(Hash(hash, [.. all]), transcript.CurrentHash());
        }
        Assert.Equal(Hash(hash, [.. all]), transcript.CurrentHash());
        Assert.Equal(Hash(hash, [.. all]), transcript.CurrentHash(hash));
    }

    [Fact]
    public void Both_hashes_run_until_one_is_selected()
    {
        using var transcript = new HandshakeTranscript();
        transcript.Append(Messages[0]);
        Assert.Equal(SHA256.HashData(Messages[0]), transcript.CurrentHash(HashAlgorithmName.SHA256));
        Assert.Equal(SHA384.HashData(Messages[0]), transcript.CurrentHash(HashAlgorithmName.SHA384));

        transcript.Select(HashAlgorithmName.SHA256);
        transcript.Select(HashAlgorithmName.SHA256); // again: nothing changes

        Assert.Throws<InvalidOperationException>(() => transcript.CurrentHash(HashAlgorithmName.SHA384));
        Assert.Throws<InvalidOperationException>(() => transcript.Select(HashAlgorithmName.SHA384));
        Assert.Equal(SHA256.HashData(Messages[0]), transcript.CurrentHash());
    }

    [Fact]
    public void Misuse_throws()
    {
        var transcript = new HandshakeTranscript();
        Assert.Throws<InvalidOperationException>(() => transcript.CurrentHash());
        Assert.Throws<ArgumentOutOfRangeException>(() => transcript.Select(HashAlgorithmName.SHA512));
        Assert.Throws<InvalidOperationException>(() => transcript.CurrentHash(HashAlgorithmName.SHA1));
        transcript.Dispose();
        transcript.Dispose();
        Assert.Throws<ObjectDisposedException>(() => transcript.Append([1]));
    }

    private static byte[] Hash(HashAlgorithmName hash, byte[] data) =>
        hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data) : SHA384.HashData(data);
}
