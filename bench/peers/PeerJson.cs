using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebRtcPS.Bench.Peers;

/// <summary>
/// The JSON the peer writes (event lines, bulk markers), generated at compile time so that the
/// Native AOT build of the peer (aot/) serializes without reflection. An event's field values are
/// typed <see cref="object"/>: every type a field can hold is listed here.
/// </summary>
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, object?>[]))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(uint))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ushort))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class PeerJson : JsonSerializerContext;
