namespace WebRtcPS.Engine.Ice;

// The sendmsg/recvmsg structures of 64-bit Linux (LP64), shared by LinuxUdpSegmentation and
// LinuxUdpReceive; only used where LinuxUdpSegmentation.IsSupported.

/// <summary>struct iovec.</summary>
internal unsafe struct LinuxIoVec
{
    public byte* Base;
    public nuint Length;
}

/// <summary>struct msghdr.</summary>
internal unsafe struct LinuxMsgHdr
{
    public void* Name;
    public uint NameLength;
    public LinuxIoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}
