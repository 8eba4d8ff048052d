namespace WebRtcPS.Engine.Tests.Browser;

/// <summary>What the lab agent runs (passed to it as JSON): one connection between Chromium (the
/// /peer page) and WebRtcPS, or between two Chromium tabs.</summary>
internal sealed record BrowserScenario
{
    /// <summary>greetings, echo, bulk, unreliable, relay, browsers (bulk too when Bytes is set); pion (the bench's reference, no browser).</summary>
    public required string Kind { get; init; }

    /// <summary>Chromium's role: offerer or answerer (WebRtcPS takes the other).</summary>
    public string ChromiumRole { get; init; } = "answerer";

    /// <summary>echo: round trips; unreliable: messages each way.</summary>
    public int Count { get; init; }

    /// <summary>bulk: bytes each way.</summary>
    public int Bytes { get; init; }

    /// <summary>bulk: message size.</summary>
    public int MessageSize { get; init; }

    /// <summary>Leave Chromium's default on: host addresses hidden behind .local names.</summary>
    public bool HideLocalIpsWithMdns { get; init; }

    public bool ChromiumOffers => ChromiumRole == "offerer";
}
