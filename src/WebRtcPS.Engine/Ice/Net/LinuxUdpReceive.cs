using System.Net;
using System.Runtime.InteropServices;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// <c>recvmsg</c> on a socket with <c>UDP_GRO</c> (Linux 5.0+, udp(7)): the kernel hands over a
/// run of datagrams from one sender in one call (on loopback, exactly a run another socket sent
/// with <c>UDP_SEGMENT</c>), with the segment size in a control message; without that message the
/// read is one datagram. One call per run instead of one per datagram, and the kernel does not cut
/// the run into datagrams first.
/// </summary>
/// <remarks>LP64 layouts, as <see cref="LinuxUdpSegmentation"/>; errno is returned, never thrown.</remarks>
internal static unsafe class LinuxUdpReceive
{
    private const int SolUdp = 17;
    private const int UdpGro = 104;
    private const int MsgDontWait = 0x40;
    private const int MsgTrunc = 0x20;

    /// <summary>Asks the kernel to coalesce; false when it cannot (old kernel).</summary>
    public static bool TryEnable(SafeHandle socket)
    {
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            var on = 1;
            return SetSockOpt((int)socket.DangerousGetHandle(), SolUdp, UdpGro, &on, sizeof(int)) == 0;
        }
        finally
        {
            if (added) socket.DangerousRelease();
        }
    }

    /// <summary>Reads what is queued without waiting. Returns 0 and the byte count, the segment
    /// size (0: one datagram) and the sender's sockaddr; or the errno (EAGAIN: nothing queued).
    /// A read longer than <paramref name="buffer"/> is truncated (<paramref name="truncated"/>).</summary>
    public static int Receive(SafeHandle socket, Span<byte> buffer, Span<byte> address, out int length, out int segmentSize,
        out int addressLength, out bool truncated)
    {
        length = segmentSize = addressLength = 0;
        truncated = false;
        var control = stackalloc byte[64];
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            var fd = (int)socket.DangerousGetHandle();
            fixed (byte* data = buffer)
            fixed (byte* name = address)
            {
                var iov = new LinuxIoVec { Base = data, Length = (nuint)buffer.Length };
                var message = new LinuxMsgHdr
                {
                    Name = name,
                    NameLength = (uint)address.Length,
                    Iov = &iov,
                    IovLength = 1,
                    Control = control,
                    ControlLength = 64,
                };
                nint n;
                while ((n = RecvMsg(fd, &message, MsgDontWait)) < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != LinuxUdpSegmentation.EIntr) return errno;
                }
                length = (int)n;
                addressLength = (int)message.NameLength;
                truncated = (message.Flags & MsgTrunc) != 0;
                segmentSize = ReadSegmentSize(new ReadOnlySpan<byte>(control, (int)message.ControlLength));
                return 0;
            }
        }
        finally
        {
            if (added) socket.DangerousRelease();
        }
    }

    /// <summary>The UDP_GRO control message's value (an int), or 0 when there is none.</summary>
    internal static int ReadSegmentSize(ReadOnlySpan<byte> control)
    {
        while (control.Length >= 16)
        {
            var length = (int)MemoryMarshal.Read<ulong>(control);
            if (length < 16 || length > control.Length) return 0;
            var level = MemoryMarshal.Read<int>(control[8..]);
            var type = MemoryMarshal.Read<int>(control[12..]);
            if (level == SolUdp && type == UdpGro && length >= 20) return MemoryMarshal.Read<int>(control[16..]);
            control = control[Math.Min(control.Length, (length + 7) & ~7)..];
        }
        return 0;
    }

    /// <summary>sockaddr_in / sockaddr_in6 to an endpoint; null for another family.</summary>
    internal static IPEndPoint? ReadAddress(ReadOnlySpan<byte> address)
    {
        if (address.Length < 2) return null;
        var family = MemoryMarshal.Read<ushort>(address);
        var port = (address[2] << 8) | address[3];
        if (family == 2 && address.Length >= 8) return new IPEndPoint(new IPAddress(address[4..8]), port);
        if (family == 10 && address.Length >= 28)
            return new IPEndPoint(new IPAddress(address[8..24], MemoryMarshal.Read<uint>(address[24..])), port);
        return null;
    }

    [DllImport("libc.so.6", EntryPoint = "recvmsg", SetLastError = true)]
    private static extern nint RecvMsg(int socket, LinuxMsgHdr* message, int flags);

    [DllImport("libc.so.6", EntryPoint = "setsockopt", SetLastError = true)]
    private static extern int SetSockOpt(int socket, int level, int name, void* value, int length);
}
