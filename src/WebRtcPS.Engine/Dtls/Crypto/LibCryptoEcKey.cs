using System.Runtime.InteropServices;

namespace WebRtcPS.Engine.Dtls;

/// <summary>An OpenSSL <c>EC_KEY*</c> (<see cref="LibCryptoEc"/>), freed once, after the last use
/// that was running when it was disposed.</summary>
internal sealed class LibCryptoEcKey : SafeHandle
{
    internal LibCryptoEcKey(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    /// <summary>Holds the key alive for one native call (a disposed key throws ObjectDisposedException).</summary>
    public Lease Use() => new(this);

    protected override bool ReleaseHandle()
    {
        LibCryptoEc.Free(handle);
        return true;
    }

    internal readonly ref struct Lease
    {
        private readonly LibCryptoEcKey _key;

        public Lease(LibCryptoEcKey key)
        {
            var added = false;
            key.DangerousAddRef(ref added);
            _key = key;
        }

        public nint Handle => _key.DangerousGetHandle();

        public void Dispose() => _key.DangerousRelease();
    }
}
