using System.Text.Json;

namespace WebRtcPS.Engine.Tests.Browser;

/// <summary>
/// The one failure <see cref="ChromiumLab"/> runs again: Chromium's data channel never handed its
/// greeting to its SCTP. The results here are the fields of real failed scenarios (CI), cut to what
/// the check reads; anything else must still fail the test at once.
/// </summary>
public class ChromiumRetrySignatureTests
{
    private static JsonElement Result(bool ok, int bufferedAmount, int messagesSent, int bytesSent, string dataIn) =>
        JsonDocument.Parse($$$"""
            {"ok":{{{(ok ? "true" : "false")}}},
             "webrtcps_data_path":"DTLS 12 datagrams in, 0 records discarded; SCTP state=Established fwdTsn=True dataIn={{{dataIn}}} dupIn=0 windowDrops=0",
             "chromium_send_side":{"bufferedAmount":{{{bufferedAmount}}},"readyState":"open","sctpState":"connected","stats":[
               {"type":"candidate-pair","state":"succeeded","bytesSent":2758,"packetsSent":12},
               {"type":"data-channel","state":"open","messagesSent":{{{messagesSent}}},"bytesSent":{{{bytesSent}}},"messagesReceived":1,"bytesReceived":23}]}}
            """).RootElement;

    [Fact]
    public void AGreetingChromiumDropped_IsRetried() =>
        Assert.True(ChromiumLab.ChromiumNeverSentItsGreeting(Result(false, bufferedAmount: 0, messagesSent: 0, bytesSent: 0, dataIn: "1")));

    [Fact]
    public void AGreetingChromiumHeldInItsBuffer_IsRetried() =>
        Assert.True(ChromiumLab.ChromiumNeverSentItsGreeting(Result(false, bufferedAmount: 24, messagesSent: 0, bytesSent: 0, dataIn: "1")));

    [Theory]
    [InlineData(true, 0, 0, "1")]    // the scenario passed
    [InlineData(false, 1, 24, "1")]  // Chromium sent it: then it is ours to explain
    [InlineData(false, 0, 0, "2")]   // our SCTP took a DATA chunk beside the DCEP ACK
    public void AnyOtherOutcome_IsNotRetried(bool ok, int messagesSent, int bytesSent, string dataIn) =>
        Assert.False(ChromiumLab.ChromiumNeverSentItsGreeting(Result(ok, bufferedAmount: 24, messagesSent, bytesSent, dataIn)));

    [Fact]
    public void AResultWithoutChromiumsSendSide_IsNotRetried() =>
        Assert.False(ChromiumLab.ChromiumNeverSentItsGreeting(JsonDocument.Parse("""{"ok":false,"error":"timeout"}""").RootElement));
}
