using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebRtcPS.Signaling;

/// <summary>
/// <see cref="SignalingMessage"/>'s JSON, generated at compile time (no reflection: the client
/// runs in Native AOT hosts, bench/peers/aot). Read with the serializer's general defaults, as
/// the stream reader always did.
/// </summary>
[JsonSerializable(typeof(SignalingMessage))]
internal sealed partial class SignalingJson : JsonSerializerContext;

/// <summary>
/// <see cref="SignalingMessage"/>'s JSON as the client posts it: the web defaults that
/// <c>JsonContent.Create</c> uses without options, so the request body is unchanged.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SignalingMessage))]
internal sealed partial class SignalingWebJson : JsonSerializerContext;
