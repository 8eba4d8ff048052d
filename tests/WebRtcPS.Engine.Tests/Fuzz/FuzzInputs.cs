using System.Buffers.Binary;
using CsCheck;

namespace WebRtcPS.Engine.Tests.Fuzz;

/// <summary>
/// Inputs for the parser smoke: random bytes, and seeds of the fuzz corpus mutated as afl-fuzz's
/// havoc stage does (bit flips, random and boundary bytes, 16-bit length fields set to edge
/// values, inserted, deleted and duplicated ranges, truncation, splicing with another seed).
/// A mutated input is a pure function of (seed index, mutation seed), so CsCheck can replay and
/// shrink it.
/// </summary>
internal static class FuzzInputs
{
    private static readonly ushort[] EdgeValues = [0, 1, 2, 3, 4, 7, 8, 12, 16, 20, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF, 0x4000, 0x7FFF, 0x8000, 0xFFFC, 0xFFFF];

    public static Gen<byte[]> For(IReadOnlyList<byte[]> seeds)
    {
        var random = Gen.Byte.Array[0, 96];
        if (seeds.Count == 0) return random;
        var mutated = Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Int, (index, mutationSeed) => Mutate(seeds, index, mutationSeed));
        return Gen.Frequency((1, random), (5, mutated));
    }

    public static byte[] Mutate(IReadOnlyList<byte[]> seeds, int index, int mutationSeed)
    {
        var rng = new Random(mutationSeed);
        var data = new List<byte>(seeds[index]);
        int rounds = 1 << rng.Next(4); // 1, 2, 4 or 8 mutations stacked
        for (int r = 0; r < rounds; r++) MutateOnce(data, seeds, rng);
        return [.. data];
    }

    private static void MutateOnce(List<byte> data, IReadOnlyList<byte[]> seeds, Random rng)
    {
        int Pos(int extra = 0) => rng.Next(data.Count + extra);
        switch (rng.Next(data.Count == 0 ? 1 : 10))
        {
            case 0: // insert random bytes
                data.InsertRange(Pos(1), RandomBytes(rng, 1 + rng.Next(16)));
                break;
            case 1: // flip one bit
                { int p = Pos(); data[p] ^= (byte)(1 << rng.Next(8)); }
                break;
            case 2: // random byte
                data[Pos()] = (byte)rng.Next(256);
                break;
            case 3: // boundary byte
                data[Pos()] = (byte)EdgeValues[rng.Next(EdgeValues.Length)];
                break;
            case 4: // a 16-bit field (lengths, types) set to an edge value or nudged
                if (data.Count >= 2)
                {
                    int p = rng.Next(data.Count - 1);
                    Span<byte> field = stackalloc byte[2];
                    ushort value = rng.Next(2) == 0
                        ? EdgeValues[rng.Next(EdgeValues.Length)]
                        : (ushort)((data[p] << 8 | data[p + 1]) + rng.Next(-8, 9));
                    BinaryPrimitives.WriteUInt16BigEndian(field, value);
                    data[p] = field[0];
                    data[p + 1] = field[1];
                }
                break;
            case 5: // delete a range
                { int p = Pos(); data.RemoveRange(p, Math.Min(1 + rng.Next(32), data.Count - p)); }
                break;
            case 6: // duplicate a range
                { int p = Pos(); var range = data.GetRange(p, Math.Min(1 + rng.Next(64), data.Count - p)); data.InsertRange(Pos(1), range); }
                break;
            case 7: // truncate
                { int p = Pos(); data.RemoveRange(p, data.Count - p); }
                break;
            case 8: // splice: our head, another seed's tail
                {
                    var other = seeds[rng.Next(seeds.Count)];
                    int p = Pos(), q = rng.Next(other.Length + 1);
                    data.RemoveRange(p, data.Count - p);
                    data.AddRange(other.AsSpan(q).ToArray());
                }
                break;
            default: // overwrite a range with bytes copied from elsewhere in the input
                {
                    int from = Pos(), to = Pos(), n = Math.Min(1 + rng.Next(16), Math.Min(data.Count - from, data.Count - to));
                    var copy = data.GetRange(from, n);
                    for (int i = 0; i < n; i++) data[to + i] = copy[i];
                }
                break;
        }
    }

    private static byte[] RandomBytes(Random rng, int count)
    {
        var bytes = new byte[count];
        rng.NextBytes(bytes);
        return bytes;
    }
}
