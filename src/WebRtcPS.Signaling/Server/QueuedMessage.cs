namespace WebRtcPS.Signaling.Server;

/// <summary>A message accepted by /send, held until written to its addressee's stream.</summary>
/// <param name="Payload">The compact JSON object followed by '\n', exactly as it goes on the wire.</param>
internal sealed record QueuedMessage(string Type, string From, string To, byte[] Payload, DateTimeOffset AcceptedAt);
