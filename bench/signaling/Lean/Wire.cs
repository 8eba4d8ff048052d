using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>Socket helpers of the lean load generator.</summary>
internal static class Wire
{
    /// <summary>The server's address: its URL's IP, or the first address its name resolves to.</summary>
    public static async Task<EndPoint> ResolveAsync(Uri server)
    {
        if (IPAddress.TryParse(server.DnsSafeHost, out var ip)) return new IPEndPoint(ip, server.Port);
        var addresses = await Dns.GetHostAddressesAsync(server.DnsSafeHost);
        if (addresses.Length == 0) throw new InvalidOperationException($"{server.DnsSafeHost} resolves to no address");
        return new IPEndPoint(addresses[0], server.Port);
    }

    /// <summary>A TCP connection to <paramref name="server"/>, Nagle off (a request leaves in one write anyway).</summary>
    public static async Task<Socket> ConnectAsync(EndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var n = await socket.SendAsync(data, SocketFlags.None);
            data = data[n..];
        }
    }

    /// <summary>The start of some received bytes, readable in an error message.</summary>
    public static string Excerpt(ReadOnlySpan<byte> bytes, int max = 200)
    {
        var text = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, max)])
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => $"\\x{b:x2}",
            });
        }
        if (bytes.Length > max) text.Append("...");
        return text.ToString();
    }
}
