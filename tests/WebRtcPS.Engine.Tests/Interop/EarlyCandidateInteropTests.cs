using WebRtcPS.Engine.Tests.Signaling;
using WebRtcPS.Signaling;

// (Not "...Tests.Interop": that namespace would hide the TestInfrastructure.Interop class in sibling folders.)
namespace WebRtcPS.Engine.Tests.InteropPeers;

/// <summary>
/// The original holds a candidate that arrives before the remote description and applies it
/// right after. The test stands between a pion offerer and the answerer under test and delivers
/// the offerer's candidates first, the offer last, so the answerer must hold them.
/// </summary>
public class EarlyCandidateInteropTests
{
    [SkippableTheory]
    [InlineData("pion")]
    [InlineData("aiortc")]
    public async Task AnAnswererHoldsCandidatesThatArriveBeforeTheOffer(string answererKind)
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var relay = await harness.OpenResponseAsync("relay");
        await using var answerer = answererKind == "pion"
            ? await PionPeerInteropTests.StartPionAsync(harness.Server, "answerer")
            : await AiortcPeerInteropTests.StartAiortcAsync(harness.Server, "answerer");
        await answerer.WaitForEventAsync("ready");
        // The offerer sends to "relay"; the answerer answers the offerer directly.
        await using var offerer = await PionPeerInteropTests.StartPionAsync(harness.Server, "offerer", "-remote-id", "relay");

        var offer = await relay.NextAsync();
        Assert.Equal(SignalingMessage.Offer, offer.Type);
        // pion reports candidates in order, end-of-candidates last: once gathering_complete is
        // printed, the local candidate lines before it are all there will be.
        await offerer.WaitForEventAsync("gathering_complete");
        var expected = offerer.Events("candidate").Count(c => c.GetProperty("source").GetString() == "local");
        Assert.True(expected > 0, offerer.Transcript());
        var candidates = new List<SignalingMessage>();
        while (candidates.Count < expected) candidates.Add(await relay.NextAsync());
        Assert.All(candidates, c => Assert.Equal(SignalingMessage.Candidate, c.Type));

        foreach (var c in candidates) await harness.SendOkAsync(c.Type, "offer-peer-1", "answer-peer-1", c.Content);
        await answerer.WaitForAsync(l => l.GetProperty("event").GetString() == "candidate"
                                         && l.GetProperty("source").GetString() == "remote", "the early candidate");
        await harness.SendOkAsync(offer.Type, "offer-peer-1", "answer-peer-1", offer.Content);

        await PionPeerInteropTests.ResultAsync(offerer);
        await PionPeerInteropTests.ResultAsync(answerer);
        var remote = answerer.Events("candidate").Where(c => c.GetProperty("source").GetString() == "remote").ToArray();
        Assert.Equal(candidates.Count, remote.Length);
        Assert.All(remote, c => Assert.True(c.GetProperty("held").GetBoolean(), $"not held: {c}\n{answerer.Transcript()}"));
        PionPeerInteropTests.AssertGreetings(offerer, answerer);
    }
}
