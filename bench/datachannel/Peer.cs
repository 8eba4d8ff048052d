using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Bench.DataChannel;

/// <summary>One side of a bulk transfer: a loopback UDP socket, then DTLS (modes full and dtls),
/// then SCTP and a data channel (modes full and sctp). The sender (DTLS client, offerer) sends
/// <see cref="BenchOptions.TotalBytes"/> of a fixed random pattern and an end marker with its
/// SHA-256; the receiver hashes what arrives and answers with a done marker.</summary>
internal sealed class Peer : IAsyncDisposable
{
    private const string EndMarker = "__bulk_end__ ";
    private const string DoneMarker = "__bulk_done__ ";
    private static readonly byte[] Pattern = MakePattern();

    private readonly BenchOptions _options;
    private readonly bool _isSender;
    private readonly UdpDatagramTransport _udp;
    private readonly RTCCertificate? _certificate;
    private string _remoteFingerprint = "";
    private DtlsTransport? _dtls;
    private SctpAssociation? _sctp;

    public Peer(BenchOptions options, bool isSender)
    {
        _options = options;
        _isSender = isSender;
        _udp = new UdpDatagramTransport(options.Mtu);
        if (options.Mode is "full" or "dtls") _certificate = RTCCertificate.Generate();
    }

    public int LocalPort => _udp.LocalPort;
    public string Fingerprint => _certificate?.GetFingerprint(RTCDtlsFingerprint.DefaultAlgorithm).Value ?? "-";

    public void SetRemote(int port, string fingerprint)
    {
        _udp.Connect(port);
        _remoteFingerprint = fingerprint;
    }

    private static byte[] MakePattern()
    {
        var pattern = new byte[4 * 1024 * 1024 + 256 * 1024];
        new Random(1).NextBytes(pattern);
        return pattern;
    }

    /// <summary>The i-th message's bytes: a slice of the pattern (so the content varies along the stream).</summary>
    private static ReadOnlyMemory<byte> Slice(long index, int length) =>
        Pattern.AsMemory((int)(index * 7919 % (4 * 1024 * 1024)), length);

    public async Task<SideStats> RunAsync()
    {
        var stats = await RunCoreAsync();
        return stats with { UdpSendErrors = Interlocked.Read(ref _udp.SendErrors) };
    }

    private async Task<SideStats> RunCoreAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        IDatagramTransport lower = _udp;
        if (_certificate is not null)
        {
            _dtls = await DtlsTransport.StartAsync(_udp, new DtlsParameters
            {
                Role = _isSender ? DtlsRole.Client : DtlsRole.Server,
                Certificate = _certificate,
                RemoteFingerprints = [new RTCDtlsFingerprint(RTCDtlsFingerprint.DefaultAlgorithm, _remoteFingerprint)],
            }, timeout.Token);
            lower = _dtls;
        }
        try
        {
            if (_options.Mode == "dtls")
                return _isSender ? await DtlsSendAsync(_dtls!, timeout.Token) : await DtlsReceiveAsync(_dtls!, timeout.Token);
            return _isSender ? await ChannelSendAsync(lower, timeout.Token) : await ChannelReceiveAsync(lower, timeout.Token);
        }
        catch (Exception ex)
        {
            return new SideStats { Ok = false, Error = ex.GetType().Name + ": " + ex.Message };
        }
    }

    // ---- data channel (modes full and sctp) ----

    private SctpAssociation CreateSctp(IDatagramTransport lower)
    {
        _sctp = new SctpAssociation(lower, new SctpAssociationOptions { DeliverMessagesAsEvents = true });
        return _sctp;
    }

    private async Task<SideStats> ChannelSendAsync(IDatagramTransport lower, CancellationToken ct)
    {
        var sctp = CreateSctp(lower);
        var manager = new DataChannelManager(sctp, isDtlsClient: true);
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        sctp.Start();
        await sctp.WaitConnectedAsync(ct);
        var channel = manager.CreateDataChannel("bulk", new RTCDataChannelInit { Ordered = true });
        channel.OnOpen += (_, _) => open.TrySetResult();
        channel.OnMessage += (_, m) =>
        {
            if (m.IsText && m.Text!.StartsWith(DoneMarker, StringComparison.Ordinal)) done.TrySetResult(m.Text[DoneMarker.Length..]);
        };
        channel.OnClose += (_, _) => done.TrySetException(new IOException("the channel closed"));
        if (channel.ReadyState == RTCDataChannelState.Open) open.TrySetResult();
        await open.Task.WaitAsync(ct);

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var total = _options.TotalBytes;
        var size = _options.MessageSize;
        var stopwatch = Stopwatch.StartNew();
        using var tracing = new CancellationTokenSource();
        var trace = _options.TraceSctp ? TraceAsync(sctp, stopwatch, tracing.Token) : Task.CompletedTask;
        long sent = 0, index = 0;
        while (sent < total)
        {
            var n = (int)Math.Min(size, total - sent);
            var message = Slice(index++, n);
            sha.AppendData(message.Span);
            await channel.SendAsync(message, ct);
            sent += n;
        }
        var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
        await channel.SendAsync(EndMarker + hash, ct);
        var answer = await done.Task.WaitAsync(ct);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        tracing.Cancel();
        await trace;
        var stats = await sctp.GetStatisticsAsync(ct);
        return new SideStats
        {
            Seconds = seconds, Bytes = sent, Sha256 = hash, Ok = answer == "ok " + hash, Error = answer == "ok " + hash ? null : "receiver: " + answer,
            PacketsSent = sctp.PacketsSent, PacketsReceived = sctp.PacketsReceived, Retransmissions = sctp.Retransmissions, Timeouts = sctp.Timeouts,
        };
    }

    /// <summary>--trace-sctp: the sender's congestion state every 100 ms, to stderr.</summary>
    private static async Task TraceAsync(SctpAssociation sctp, Stopwatch clock, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(100, ct);
                var s = await sctp.GetStatisticsAsync(ct);
                Console.Error.WriteLine($"t={clock.ElapsedMilliseconds,6} ms cwnd={s.CongestionWindow,8} ssthresh={s.SlowStartThreshold,8} " +
                    $"flight={s.BytesInFlight,8} peerRwnd={s.PeerReceiveWindow,8} srtt={s.SmoothedRtt?.TotalMilliseconds:F2} ms rto={s.Rto.TotalMilliseconds} " +
                    $"rtx={s.DataRetransmissions} t3={s.RetransmissionTimeouts} tx={s.PacketsSent} rx={s.PacketsReceived}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<SideStats> ChannelReceiveAsync(IDatagramTransport lower, CancellationToken ct)
    {
        var sctp = CreateSctp(lower);
        var manager = new DataChannelManager(sctp, isDtlsClient: false);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var finished = new TaskCompletionSource<(long Bytes, string Hash, bool Ok, double Seconds)>(TaskCreationOptions.RunContinuationsAsynchronously);
        long bytes = 0;
        Stopwatch? clock = null;
        manager.OnDataChannel += (_, channel) =>
        {
            channel.OnMessage += (_, m) =>
            {
                if (!m.IsText)
                {
                    clock ??= Stopwatch.StartNew();
                    sha.AppendData(m.Data);
                    bytes += m.Data.Length;
                    return;
                }
                if (!m.Text!.StartsWith(EndMarker, StringComparison.Ordinal)) return;
                var seconds = clock?.Elapsed.TotalSeconds ?? 0;
                var expected = m.Text[EndMarker.Length..];
                var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
                var ok = hash == expected;
                channel.Send(DoneMarker + (ok ? "ok " : "mismatch ") + hash);
                finished.TrySetResult((bytes, hash, ok, seconds));
            };
            channel.OnClose += (_, _) => finished.TrySetException(new IOException("the channel closed early"));
        };
        sctp.Start();
        var result = await finished.Task.WaitAsync(ct);
        // let the done marker leave before the association is torn down
        var deadline = Environment.TickCount64 + 2000;
        while (sctp.BufferedAmount > 0 && Environment.TickCount64 < deadline) await Task.Delay(5, ct);
        await Task.Delay(50, ct);
        return new SideStats
        {
            Seconds = result.Seconds, Bytes = result.Bytes, Sha256 = result.Hash, Ok = result.Ok,
            PacketsSent = sctp.PacketsSent, PacketsReceived = sctp.PacketsReceived, Retransmissions = sctp.Retransmissions, Timeouts = sctp.Timeouts,
        };
    }

    // ---- DTLS records only (mode dtls) ----
    // Record kinds (first byte): 0 data, 1 end (+ hex SHA-256), 2 ack (+ uint64 records received), 3 done (+ "ok"/"mismatch").
    // The sender keeps at most Window records unacknowledged, so a receiver that falls behind
    // does not make the kernel drop datagrams (UDP has no flow control); a stall > 2 s is loss.

    private const int Window = 1024;
    private const int AckEvery = 64;

    private async Task<SideStats> DtlsSendAsync(DtlsTransport dtls, CancellationToken ct)
    {
        long acked = 0;
        var ackSignal = new SemaphoreSlim(0);
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            try
            {
                while (true)
                {
                    var n = await dtls.ReceiveAsync(buffer, ct);
                    if (n >= 9 && buffer[0] == 2)
                    {
                        Volatile.Write(ref acked, BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(1)));
                        ackSignal.Release();
                    }
                    else if (n >= 1 && buffer[0] == 3)
                    {
                        done.TrySetResult(Encoding.ASCII.GetString(buffer, 1, n - 1));
                        return;
                    }
                }
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }, ct);

        var payloadSize = dtls.MaxDatagramSize - 1;
        var record = new byte[dtls.MaxDatagramSize];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var total = _options.TotalBytes;
        var stopwatch = Stopwatch.StartNew();
        long sent = 0, records = 0;
        while (sent < total)
        {
            while (records - Volatile.Read(ref acked) >= Window)
                if (!await ackSignal.WaitAsync(2000, ct))
                    throw new IOException($"stalled: {records - Volatile.Read(ref acked)} records unacknowledged for 2 s (datagram loss)");
            var n = (int)Math.Min(payloadSize, total - sent);
            record[0] = 0;
            Slice(records, n).Span.CopyTo(record.AsSpan(1));
            sha.AppendData(record, 1, n);
            await dtls.SendAsync(record.AsMemory(0, n + 1), ct);
            sent += n;
            records++;
        }
        var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
        var end = Encoding.ASCII.GetBytes("\u0001" + hash);
        Task<string> answerTask = done.Task;
        string answer = "";
        // the end record may be lost like any datagram: repeat it until the answer comes
        for (var attempt = 0; attempt < 20 && !answerTask.IsCompleted; attempt++)
        {
            await dtls.SendAsync(end, ct);
            await Task.WhenAny(answerTask, Task.Delay(250, ct));
        }
        answer = await answerTask.WaitAsync(TimeSpan.FromSeconds(1), ct);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        await receiving;
        var ok = answer == "ok";
        return new SideStats
        {
            Seconds = seconds, Bytes = sent, Sha256 = hash, Ok = ok, Error = ok ? null : "receiver: " + answer,
            PacketsSent = dtls.DatagramsSent, PacketsReceived = dtls.DatagramsReceived,
        };
    }

    private static async Task<SideStats> DtlsReceiveAsync(DtlsTransport dtls, CancellationToken ct)
    {
        var buffer = new byte[2048];
        var ack = new byte[9];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long bytes = 0, records = 0;
        Stopwatch? clock = null;
        string? hash = null;
        var ok = false;
        double seconds = 0;
        while (true)
        {
            var n = await dtls.ReceiveAsync(buffer, ct);
            if (n < 1) continue;
            if (buffer[0] == 0)
            {
                clock ??= Stopwatch.StartNew();
                sha.AppendData(buffer, 1, n - 1);
                bytes += n - 1;
                if (++records % AckEvery == 0)
                {
                    ack[0] = 2;
                    BinaryPrimitives.WriteInt64BigEndian(ack.AsSpan(1), records);
                    await dtls.SendAsync(ack, ct);
                }
            }
            else if (buffer[0] == 1)
            {
                if (hash is null)
                {
                    seconds = clock?.Elapsed.TotalSeconds ?? 0;
                    hash = Convert.ToHexStringLower(sha.GetHashAndReset());
                    ok = hash == Encoding.ASCII.GetString(buffer, 1, n - 1);
                }
                await dtls.SendAsync(Encoding.ASCII.GetBytes("\u0003" + (ok ? "ok" : "mismatch")), ct);
                break;
            }
        }
        await Task.Delay(100, ct);
        return new SideStats
        {
            Seconds = seconds, Bytes = bytes, Sha256 = hash ?? "", Ok = ok,
            PacketsSent = dtls.DatagramsSent, PacketsReceived = dtls.DatagramsReceived,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_sctp is not null) await _sctp.DisposeAsync();
        if (_dtls is not null) await _dtls.DisposeAsync();
        await _udp.DisposeAsync();
    }
}
