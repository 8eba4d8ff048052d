using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WebRtcPS.Bench.Peers;

/// <summary>
/// <c>--peer -rss-floor</c>: the least a .NET process does for a hello, with no WebRTC code: a UDP
/// round trip on loopback (ICE), HMAC-SHA1 (STUN), SHA-256 (the certificate's
/// fingerprint), P-256 key generation, ECDSA sign and verify and ECDH (the DTLS handshake),
/// AES-128-GCM both ways (records), and one HTTP POST of a JSON message with HttpClient against a
/// listener in this process (signaling). Run as our peer is (the same builds and process settings),
/// its peak RSS is the floor under the hello's for that host: the runtime, the JIT and the
/// framework pieces any .NET peer maps, whatever its engine (README "Memory floor").
/// It touches nothing of this program beyond this class, so the engine's assemblies stay unloaded
/// (the result lists what was loaded).
/// </summary>
internal static class RssFloor
{
    public static async Task<int> MainAsync()
    {
        await UdpRoundTripAsync();
        Crypto();
        await HttpPostAsync();
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "?").Order(StringComparer.Ordinal).ToArray();
        // Written by hand: the floor should not pay for a serializer's metadata of this result.
        Console.WriteLine("{\"event\":\"result\",\"ok\":true,\"mode\":\"rss-floor\",\"assemblies\":[" + string.Join(",", loaded.Select(n => "\"" + n + "\"")) + "]}");
        return 0;
    }

    private static async Task UdpRoundTripAsync()
    {
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var buffer = new byte[1500];
        await a.SendToAsync(new byte[100], b.LocalEndPoint!);
        var got = await b.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
        await b.SendToAsync(buffer.AsMemory(0, got.ReceivedBytes), got.RemoteEndPoint);
        await a.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
    }

    private static void Crypto()
    {
        var message = new byte[200];
        RandomNumberGenerator.Fill(message);
#pragma warning disable CA5350 // STUN's MESSAGE-INTEGRITY is HMAC-SHA1 by definition (RFC 8489 §14.5)
        HMACSHA1.HashData(new byte[16], message);
#pragma warning restore CA5350
        SHA256.HashData(message);
        using var certificateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = certificateKey.SignData(message, HashAlgorithmName.SHA256);
        if (!certificateKey.VerifyData(message, signature, HashAlgorithmName.SHA256)) throw new CryptographicException("verify");
        using var ours = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var theirs = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var secret = ours.DeriveRawSecretAgreement(theirs.PublicKey);
        using var gcm = new AesGcm(secret.AsSpan(0, 16), 16);
        var nonce = new byte[12];
        var sealedRecord = new byte[message.Length];
        var tag = new byte[16];
        gcm.Encrypt(nonce, message, sealedRecord, tag);
        gcm.Decrypt(nonce, sealedRecord, tag, new byte[message.Length]);
    }

    private static async Task HttpPostAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new byte[4096];
            var n = 0;
            // Headers, then the body (Content-Length), before answering.
            while (Encoding.ASCII.GetString(request, 0, n) is var text && !(text.Contains("\r\n\r\n", StringComparison.Ordinal) && text.EndsWith('}')))
                n += await stream.ReadAsync(request.AsMemory(n));
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        });
        using var http = new HttpClient();
        // Source-generated metadata, as the peers' (and the AOT build's) JSON is.
        var json = JsonSerializer.Serialize(new Dictionary<string, object?> { ["type"] = "offer", ["content"] = "v=0", ["to"] = "a", ["from"] = "o" }, PeerJson.Default.DictionaryStringObject);
        using var response = await http.PostAsync($"http://127.0.0.1:{port}/send", new StringContent(json, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        JsonSerializer.Deserialize(json, PeerJson.Default.DictionaryStringObject);
        await server;
        listener.Stop();
    }
}
