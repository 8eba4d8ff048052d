using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Engine.Tests.Turn;

/// <summary>
/// The client's handling of answers coturn will not give on demand (486, 508, 438 in the middle of
/// an Allocate, a second redirection, a forged success), against a scripted UDP server on 127.0.0.1.
/// </summary>
public sealed class ScriptedTurnServerTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private const string Realm = "scripted";
    private static readonly byte[] Key = StunCredentials.LongTermKey("u", Realm, "p");

    /// <summary>Answers each transaction with what the script returns for it (null: no answer).</summary>
    internal sealed class ScriptedServer : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly CancellationTokenSource _stop = new();

        public ScriptedServer(Func<StunMessage, int, byte[]?> script)
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
            _ = Task.Run(async () =>
            {
                var buffer = new byte[2048];
                var answers = new Dictionary<StunTransactionId, byte[]?>();
                while (!_stop.IsCancellationRequested)
                {
                    SocketReceiveFromResult got;
                    try
                    {
                        got = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                    }
                    catch (Exception)
                    {
                        return;
                    }
                    if (!StunMessage.TryParse(buffer.AsSpan(0, got.ReceivedBytes), out var request) || request.Class != StunClass.Request) continue;
                    lock (_requests) _requests.Add(request);
                    // The script sees each transaction once (n counts transactions); retransmissions get the same answer.
                    if (!answers.TryGetValue(request.TransactionId, out var answer)) answers[request.TransactionId] = answer = script(request, answers.Count);
                    if (answer is not null) await _socket.SendToAsync(answer, SocketFlags.None, got.RemoteEndPoint);
                }
            });
        }

        public IPEndPoint EndPoint { get; }
        private readonly List<StunMessage> _requests = [];

        /// <summary>Every request received, retransmissions included.</summary>
        public IReadOnlyList<StunMessage> Received
        {
            get
            {
                lock (_requests) return _requests.ToArray();
            }
        }

        /// <summary>One request per transaction (a slow answer can draw a retransmission over UDP).</summary>
        public IReadOnlyList<StunMessage> Requests => Received.DistinctBy(r => r.TransactionId).ToArray();
        public IceServerUri Uri => IceServerUri.Parse($"turn:127.0.0.1:{EndPoint.Port}");

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
        }
    }

    private static byte[] Error(StunMessage request, int code, string reason, string? nonce = null, IPEndPoint? alternate = null)
    {
        var b = new StunMessageBuilder(request.Type.WithClass(StunClass.ErrorResponse), request.TransactionId);
        b.Add(new ErrorCode(code, reason));
        if (nonce is not null)
        {
            b.Add(new Realm(Realm));
            b.Add(new Nonce(nonce));
        }
        if (alternate is not null) b.Add(new AlternateServer(alternate));
        return b.ToArray();
    }

    private static byte[] Allocated(StunMessage request, byte[] key)
    {
        var b = new StunMessageBuilder(request.Type.WithClass(StunClass.SuccessResponse), request.TransactionId);
        b.AddXorAddress(new XorRelayedAddress(new IPEndPoint(IPAddress.Parse("198.18.0.1"), 50000)));
        b.AddXorAddress(new XorMappedAddress(new IPEndPoint(IPAddress.Parse("198.18.0.2"), 40000)));
        b.Add(new Lifetime(600));
        b.AddMessageIntegrity(key);
        return b.ToArray();
    }

    private static string? NonceOf(StunMessage m) => m.TryGet(out Nonce n) ? n.Value : null;

    private static TurnClientOptions Options(ScriptedServer server) => new()
    {
        Server = server.Uri,
        Username = "u",
        Password = "p",
        TransactionOptions = new StunTransactionOptions { InitialRto = TimeSpan.FromMilliseconds(100), MaxRequestCount = 3, LastRequestWaitMultiplier = 2 },
    };

    [Theory]
    [InlineData(486, "Allocation Quota Reached")]
    [InlineData(508, "Insufficient Capacity")]
    [InlineData(403, "Forbidden")]
    public async Task RefusalCarriesCodeAndReason(int code, string reason)
    {
        using var server = new ScriptedServer((request, n) => n == 0 ? Error(request, 401, "Unauthorized", "n1") : Error(request, code, reason));
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(Options(server)).WaitAsync(Generous));
        Assert.Equal(TurnError.AllocationRefused, ex.Error);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(reason, ex.Reason);
        Assert.Contains($"{code} {reason}", ex.Message);
        Assert.Equal(2, server.Requests.Count);
        Assert.Null(NonceOf(server.Requests[0]));
        Assert.Equal("n1", NonceOf(server.Requests[1]));
        Assert.True(server.Requests[1].Contains(StunAttributeType.MessageIntegrity));
    }

    [Fact]
    public async Task StaleNonceIsRetriedWithTheNewNonce()
    {
        using var server = new ScriptedServer((request, n) => n switch
        {
            0 => Error(request, 401, "Unauthorized", "n1"),
            1 => Error(request, 438, "Stale Nonce", "n2"),
            _ => StunCredentials.Verify(request, Key) && NonceOf(request) == "n2" ? Allocated(request, Key) : Error(request, 400, "Bad Request"),
        });
        await using var client = await TurnClient.AllocateAsync(Options(server)).WaitAsync(Generous);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.18.0.1"), 50000), client.RelayedAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.18.0.2"), 40000), client.MappedAddress);
        Assert.Equal(["n1", "n2"], server.Requests.Skip(1).Take(2).Select(NonceOf));
        Assert.Equal(RequestedTransport.Udp, server.Requests[0].TryGet(out RequestedTransport t) ? t.Protocol : 0);
    }

    [Fact]
    public async Task Unauthorized401AfterCredentialsIsAuthenticationFailed()
    {
        using var server = new ScriptedServer((request, n) => Error(request, 401, "Unauthorized", $"n{n}"));
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(Options(server)).WaitAsync(Generous));
        Assert.Equal(TurnError.AuthenticationFailed, ex.Error);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ASuccessWithTheWrongIntegrityIsIgnored()
    {
        var wrongKey = StunCredentials.LongTermKey("u", Realm, "not-p");
        using var server = new ScriptedServer((request, n) => n == 0 ? Error(request, 401, "Unauthorized", "n1") : Allocated(request, wrongKey));
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(Options(server)).WaitAsync(Generous));
        Assert.Equal(TurnError.TimedOut, ex.Error);
        Assert.Equal(2, server.Requests.Count); // the challenge, then one request, unanswered as far as the client can tell
        Assert.True(server.Received.Count >= 4); // ... so it was sent 3 times
    }

    [Fact]
    public async Task OnlyOneRedirectionIsFollowed()
    {
        using var second = new ScriptedServer((request, _) => Error(request, 300, "Try Alternate", alternate: new IPEndPoint(IPAddress.Loopback, 9)));
        using var first = new ScriptedServer((request, _) => Error(request, 300, "Try Alternate", alternate: second.EndPoint));
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(Options(first)).WaitAsync(Generous));
        Assert.Equal(TurnError.AllocationRefused, ex.Error);
        Assert.Equal(300, ex.ErrorCode);
        Assert.Single(first.Requests);
        Assert.Single(second.Requests);
    }

    [Fact]
    public async Task Ipv6RelayAsksForTheFamily()
    {
        using var server = new ScriptedServer((request, _) => Error(request, 440, "Address Family not Supported"));
        var options = Options(server) with { RelayAddressFamily = AddressFamily.InterNetworkV6, RequestedLifetime = TimeSpan.FromSeconds(300) };
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(options).WaitAsync(Generous));
        Assert.Equal(440, ex.ErrorCode);
        Assert.True(server.Requests[0].TryGet(out RequestedAddressFamily family));
        Assert.Equal(StunAddressFamily.IPv6, family.Family);
        Assert.True(server.Requests[0].TryGet(out Lifetime lifetime));
        Assert.Equal(300u, lifetime.Seconds);
    }

    [Fact]
    public async Task AnUnusableChallengeIsAProtocolError()
    {
        // A REALM of 200 characters: valid UTF-8 within 763 bytes, but more than the 127
        // characters we could send back.
        using var server = new ScriptedServer((request, _) =>
        {
            var b = new StunMessageBuilder(request.Type.WithClass(StunClass.ErrorResponse), request.TransactionId);
            b.Add(new ErrorCode(401, "Unauthorized"));
            b.Add(StunAttributeType.Realm, System.Text.Encoding.ASCII.GetBytes(new string('r', 200)));
            b.Add(new Nonce("n"));
            return b.ToArray();
        });
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(Options(server)).WaitAsync(Generous));
        Assert.Equal(TurnError.ProtocolError, ex.Error);
        var probe = await TurnProbe.RunAsync(server.Uri, "u", "p", TimeSpan.FromSeconds(5)).WaitAsync(Generous);
        Assert.Equal(TurnProbeVerdict.ProtocolError, probe.Verdict);
        Assert.Equal("Protocol error", probe.VerdictText);
    }

    [Fact]
    public void OptionsValidateUpFront()
    {
        Assert.Throws<ArgumentException>(() => new TurnClientOptions { Server = IceServerUri.Parse("stun:127.0.0.1") }.Validate());
        Assert.Throws<ArgumentException>(() => new TurnClientOptions { Server = IceServerUri.Parse("turns:127.0.0.1?transport=udp") }.Validate());
        Assert.Throws<ArgumentException>(() => new TurnClientOptions { Server = IceServerUri.Parse("turn:127.0.0.1"), Username = "u" }.Validate());
        Assert.Throws<ArgumentException>(() => new TurnClientOptions { Server = IceServerUri.Parse("turns:127.0.0.1"), SkipCertificateCheck = true, CertificateValidationCallback = (_, _, _, _) => true }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TurnClientOptions { Server = IceServerUri.Parse("turn:127.0.0.1"), PermissionRefreshInterval = TimeSpan.Zero }.Validate());
    }
}
