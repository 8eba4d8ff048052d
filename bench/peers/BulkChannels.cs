using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebRtcPS.Bench.Peers;

internal sealed partial class Peer
{
    /// <summary>
    /// Bulk over <c>-channels N</c> data channels in parallel (issue 15's "8 channels" figure), as
    /// pion-peer's channels.go and aiortc-peer do it: the offerer opens <c>label-0</c> ..
    /// <c>label-(N-1)</c> and sends -bytes/N on each (the first -bytes%N channels one byte more),
    /// channel i seeded with -seed + i, each with its own end and done markers as in one-channel
    /// bulk; the answerer expects N channels and hashes each. The result sums them: bytes, messages,
    /// seconds (sender: first channel's start to the last done marker; receiver: first to last
    /// byte over all channels), mbps; <c>sha256s</c> lists each channel's SHA-256 by index and
    /// <c>sha256</c> is the SHA-256 of that list joined by "," (what the bench compares end to end).
    /// </summary>
    private sealed class BulkGroup(Peer p, int n)
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, object?>?[] _results = new Dictionary<string, object?>?[n];
        private long _start, _first, _last;
        private int _got, _next;

        /// <summary>The channel's index from its label's "-i" suffix, else the order channels came in.</summary>
        public int Index(string label)
        {
            lock (_gate)
            {
                var k = label.LastIndexOf('-');
                if (k >= 0 && int.TryParse(label.AsSpan(k + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < n) return i;
                return _next++ % n;
            }
        }

        public long Share(int index) => p._o.Bytes / n + (index < p._o.Bytes % n ? 1 : 0);

        /// <summary>Notes when the first channel began sending.</summary>
        public void Started()
        {
            lock (_gate)
            {
                if (_start == 0) _start = Stopwatch.GetTimestamp();
            }
        }

        /// <summary>One channel's result (receiver: its first and last byte's timestamps); finishes the peer with all N.</summary>
        public void Add(int index, Dictionary<string, object?> res, long first, long last)
        {
            lock (_gate)
            {
                if (_results[index] is not null)
                {
                    p.Finish(Fail($"channel {index} finished twice"));
                    return;
                }
                res["index"] = index;
                _results[index] = res;
                _got++;
                if (first != 0 && (_first == 0 || first < _first)) _first = first;
                if (last > _last) _last = last;
                if (_got < n) return;

                var ok = true;
                string? reason = null;
                long bytes = 0, messages = 0;
                var sums = new string[n];
                for (var j = 0; j < n; j++)
                {
                    var r = _results[j]!;
                    if (ok && r["ok"] is not true)
                    {
                        ok = false;
                        reason = $"channel {j}: {r.GetValueOrDefault("reason")}";
                    }
                    bytes += Convert.ToInt64(r["bytes"], CultureInfo.InvariantCulture);
                    messages += Convert.ToInt64(r["messages"], CultureInfo.InvariantCulture);
                    sums[j] = r["sha256"] as string ?? "";
                }
                var seconds = p._o.Bytes > 0 ? Stopwatch.GetElapsedTime(_start).TotalSeconds : (double)(_last - _first) / Stopwatch.Frequency;
                var all = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join(',', sums))));
                var outcome = new Dictionary<string, object?>
                {
                    ["ok"] = ok, ["channels"] = n, ["bytes"] = bytes, ["messages"] = messages, ["msg_size"] = p._o.MsgSize,
                    ["sha256"] = all, ["sha256s"] = sums, ["seconds"] = seconds, ["per_channel"] = _results,
                };
                if (seconds > 0) outcome["mbps"] = bytes * 8 / seconds / 1e6;
                if (reason is not null) outcome["reason"] = reason;
                p.Finish(outcome);
            }
        }
    }
}
