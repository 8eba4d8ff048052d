using WebRtcPS.Engine.PeerConnection;

namespace WebRtcPS.Engine.Tests.PeerConnection;

public sealed class PendingCandidateBufferTests
{
    private const string Line = "candidate:1 1 udp 2130706431 127.0.0.1 9 typ host";

    [Fact]
    public async Task Candidates_before_the_remote_description_are_held_then_applied_in_order()
    {
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        await using var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        offerer.CreateDataChannel("x");
        var offer = offerer.SetLocalDescription();
        var pending = new PendingCandidateBuffer(answerer);

        Assert.False(pending.Add(Line));
        Assert.False(pending.Add((string?)null));
        Assert.Equal(2, pending.Count);
        Assert.Equal(0, pending.Flush());   // nothing to apply to yet

        answerer.SetRemoteDescription(offer);
        Assert.Equal(2, pending.Flush());
        Assert.Equal(0, pending.Count);
        Assert.True(pending.Add(Line.Replace(" 9 ", " 10 ", StringComparison.Ordinal)));
        var diagnostics = await answerer.IceAgent!.GetDiagnosticsAsync();
        Assert.True(diagnostics.RemoteEndOfCandidates);
        Assert.Equal(2, diagnostics.RemoteCandidates.Count);
    }

    [Fact]
    public async Task A_bad_held_candidate_is_reported_after_the_good_ones_are_applied()
    {
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        await using var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        offerer.CreateDataChannel("x");
        var offer = offerer.SetLocalDescription();
        var pending = new PendingCandidateBuffer(answerer);
        pending.Add("candidate:nonsense");
        pending.Add(Line);
        answerer.SetRemoteDescription(offer);
        var error = Assert.Throws<OperationError>(() => pending.Flush());
        Assert.Contains("nonsense", error.Message);
        Assert.Equal(0, pending.Count);
        var diagnostics = await answerer.IceAgent!.GetDiagnosticsAsync();
        Assert.Single(diagnostics.RemoteCandidates);
    }
}
