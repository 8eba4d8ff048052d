namespace WebRtcPS.Engine.Sctp;

/// <summary>RE-CONFIG (RFC 6525 §3.1): carries one or two re-configuration parameters (requests
/// such as <see cref="OutgoingSsnResetRequestParameter"/>, or <see cref="ReconfigurationResponseParameter"/>).</summary>
/// <remarks><code>
/// | Type = 130    |  Chunk Flags  |      Chunk Length             |
/// /                  Re-configuration Parameter                   /
/// /             Re-configuration Parameter (optional)             /
/// </code></remarks>
internal sealed record ReConfigChunk(IReadOnlyList<ISctpParameter> Parameters) : ISctpChunk
{
    public ChunkType Type => ChunkType.ReConfig;
    public int EncodedLength => 4 + ParameterList.EncodedLength(Parameters);

    public static bool TryParse(ReadOnlySpan<byte> chunk, out ReConfigChunk result)
    {
        result = null!;
        if (!Wire.TryReadChunk(chunk, ChunkType.ReConfig, 4, out _, out var v)) return false;
        if (!ParameterList.TryParse(v, out var parameters) || parameters.Count is < 1 or > 2) return false;
        result = new ReConfigChunk(parameters);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteChunkHeader(destination, ChunkType.ReConfig, 0, EncodedLength);
        return 4 + ParameterList.Write(Parameters, destination[4..]);
    }
}
