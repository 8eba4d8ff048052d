using System.Buffers.Binary;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Datagrams that are not (valid) DTLS must be dropped without hurting the connection.</summary>
public class DtlsGarbageTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    /// <summary>Random bytes, and records with a well-formed header (every content type, epochs 0..2,
    /// consistent length) but a random body, so they reach the record layer and fail its MAC or parse.</summary>
    private static IEnumerable<byte[]> Garbage(Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var body = new byte[random.Next(0, 300)];
            random.NextBytes(body);
            if (i % 3 == 0)
            {
                yield return body;
                continue;
            }
            var record = new byte[13 + body.Length];
            record[0] = (byte)random.Next(20, 26);
            record[1] = 0xfe;
            record[2] = 0xfd;
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)random.Next(0, 3));
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(9), (ushort)random.Next(0, 5000));
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(11), (ushort)body.Length);
            body.CopyTo(record, 13);
            yield return record;
        }
    }

    private static async Task Spray(IDatagramTransport from, Random random, int count)
    {
        foreach (var datagram in Garbage(random, count)) await from.SendAsync(datagram);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task GarbageAfterHandshakeIsIgnored(int seed)
    {
        var link = new InMemoryDatagramLink();
        var (client, server) = await DtlsTestPeers.ConnectAsync(link.A, link.B).Within(Generous);
        await using (client)
        await using (server)
        {
            var random = new Random(seed);
            await Spray(link.A, random, 500); // towards the server
            await Spray(link.B, random, 500); // towards the client

            await client.SendAsync("still here"u8.ToArray());
            await server.SendAsync("me too"u8.ToArray());
            var buffer = new byte[64];
            Assert.Equal(10, await server.ReceiveAsync(buffer).AsTask().Within(Generous));
            Assert.Equal(6, await client.ReceiveAsync(buffer).AsTask().Within(Generous));
            Assert.Equal(RTCDtlsTransportState.Connected, client.State);
            Assert.Equal(RTCDtlsTransportState.Connected, server.State);
            Assert.True(server.DatagramsIgnored > 0);
        }
    }

    [Fact]
    public async Task RandomBytesDuringHandshakeAreIgnored()
    {
        var link = new InMemoryDatagramLink();
        var random = new Random(11);
        var noise = new List<byte[]>();
        for (var i = 0; i < 300; i++)
        {
            var d = new byte[random.Next(1, 1200)];
            random.NextBytes(d);
            noise.Add(d);
        }
        foreach (var d in noise) await link.A.SendAsync(d);
        foreach (var d in noise) await link.B.SendAsync(d);

        var connecting = DtlsTestPeers.ConnectAsync(link.A, link.B);
        foreach (var d in noise) await link.A.SendAsync(d);
        var (client, server) = await connecting.Within(Generous);
        await using (client)
        await using (server)
        {
            Assert.Equal(RTCDtlsTransportState.Connected, client.State);
            Assert.Equal(RTCDtlsTransportState.Connected, server.State);
        }
    }
}
