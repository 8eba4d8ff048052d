using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// <c>sendmsg</c> with a <c>UDP_SEGMENT</c> control message (Linux 4.18+, udp(7)): one system call
/// sends a run of equal-sized datagrams (<see cref="UdpSegmentRuns"/>); the kernel, or the NIC,
/// cuts them. On loopback the run even crosses the stack as one packet. One datagram per system
/// call was about a third of a bulk sender's kernel time.
/// </summary>
/// <remarks>
/// The structures are the LP64 layouts (<see cref="IsSupported"/>: 64-bit Linux); elsewhere
/// <see cref="UdpIcePacketSocket"/> sends datagram by datagram. Nothing here throws for a failed
/// send: the caller gets the errno and decides (fall back to plain sends, or stop using this).
/// </remarks>
internal static unsafe class LinuxUdpSegmentation
{
    private const int SolUdp = 17;
    private const int UdpSegment = 103;
    private const ushort AfInet = 2, AfInet6 = 10;

    /// <summary>errno values (Linux generic) the caller acts on.</summary>
    public const int EIntr = 4, EIo = 5, EAgain = 11, EInval = 22, EMsgSize = 90, ENoProtoOpt = 92, EOpNotSupp = 95, ENoBufs = 105;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>True when an errno from a segmented send means this kernel or path cannot segment
    /// (old kernel, no checksum offload on the route, a path MTU below the segment size).</summary>
    public static bool MeansUnsupported(int errno) => errno is EInval or EIo or EMsgSize or ENoProtoOpt or EOpNotSupp;

    /// <summary>Sends <paramref name="payload"/> to <paramref name="remote"/> as datagrams of
    /// <paramref name="segmentSize"/> bytes (the last may be shorter); a segment size of 0 or at
    /// least the payload's length sends one datagram. Returns 0 or the errno.</summary>
    public static int Send(SafeHandle socket, ReadOnlySpan<byte> payload, int segmentSize, IPEndPoint remote)
    {
        var address = stackalloc byte[28];
        var addressLength = WriteAddress(remote, new Span<byte>(address, 28));
        if (addressLength == 0) return EInval;
        var control = stackalloc byte[ControlSpace];
        var segmented = segmentSize > 0 && segmentSize < payload.Length;
        if (segmented)
        {
            var header = (CmsgHeader*)control;
            header->Length = (nuint)(sizeof(CmsgHeader) + sizeof(ushort));
            header->Level = SolUdp;
            header->Type = UdpSegment;
            *(ushort*)(control + sizeof(CmsgHeader)) = checked((ushort)segmentSize);
        }
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            var fd = (int)socket.DangerousGetHandle();
            fixed (byte* data = payload)
            {
                var iov = new LinuxIoVec { Base = data, Length = (nuint)payload.Length };
                var message = new LinuxMsgHdr
                {
                    Name = address,
                    NameLength = (uint)addressLength,
                    Iov = &iov,
                    IovLength = 1,
                    Control = segmented ? control : null,
                    ControlLength = segmented ? (nuint)ControlSpace : 0,
                };
                while (true)
                {
                    if (SendMsg(fd, &message, 0) >= 0) return 0;
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != EIntr) return errno;
                }
            }
        }
        finally
        {
            if (added) socket.DangerousRelease();
        }
    }

    // CMSG_SPACE(sizeof(uint16_t)): the header, the value, padding to 8.
    private static int ControlSpace => sizeof(CmsgHeader) + 8;

    /// <summary>sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes); 0 for another family.</summary>
    internal static int WriteAddress(IPEndPoint remote, Span<byte> into)
    {
        into.Clear();
        var port = (ushort)remote.Port;
        if (remote.AddressFamily == AddressFamily.InterNetwork)
        {
            MemoryMarshal.Write(into, AfInet);   // sa_family is host order
            into[2] = (byte)(port >> 8);
            into[3] = (byte)port;
            remote.Address.TryWriteBytes(into[4..8], out _);
            return 16;
        }
        if (remote.AddressFamily == AddressFamily.InterNetworkV6)
        {
            MemoryMarshal.Write(into, AfInet6);
            into[2] = (byte)(port >> 8);
            into[3] = (byte)port;
            remote.Address.TryWriteBytes(into[8..24], out _);
            MemoryMarshal.Write(into[24..], (uint)remote.Address.ScopeId);
            return 28;
        }
        return 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CmsgHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [DllImport("libc.so.6", EntryPoint = "sendmsg", SetLastError = true)]
    private static extern nint SendMsg(int socket, LinuxMsgHdr* message, int flags);
}
