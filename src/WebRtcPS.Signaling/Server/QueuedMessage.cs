namespace WebRtcPS.Signaling.Server;

/// <summary>A message accepted by /send, held until written to its addressee's stream.</summary>
/// <param name="Type">offer, answer or candidate.</param>
/// <param name="From">The sender's peer id.</param>
/// <param name="To">The addressee's peer id.</param>
/// <param name="Payload">The compact JSON object followed by '\n', exactly as it goes on the wire.</param>
/// <param name="AcceptedAt">When /send accepted it (its queue lifetime counts from here).</param>
internal sealed record QueuedMessage(string Type, string From, string To, byte[] Payload, DateTimeOffset AcceptedAt);
