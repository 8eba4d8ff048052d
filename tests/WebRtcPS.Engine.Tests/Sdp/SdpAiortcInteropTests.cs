using System.Diagnostics;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Sdp;

namespace WebRtcPS.Engine.Tests.Sdp;

/// <summary>
/// Our offers and answers against a real aiortc 1.4 (Debian python3-aiortc): it must accept what
/// we build, and we must read what it builds. SDP only; no connection is made.
/// </summary>
public sealed class SdpAiortcInteropTests
{
    private const string Python = "/usr/bin/python3"; // Debian's python has aiortc; a venv's does not (INTEROP-NOTES.md)

    private static readonly DataChannelSdpOptions Options = new()
    {
        IceUsernameFragment = "wPsU",
        IcePassword = "V2ZmYxM0aGpR9wX4kLqN1c3s",
        Fingerprints = [RTCDtlsFingerprint.Parse("sha-256 36:63:7F:C9:C8:A4:8F:D6:D1:5E:70:02:4C:6E:40:27:7B:87:21:66:4D:B0:9E:E6:21:1D:35:42:E4:CA:BF:19")],
        Candidates = [WebRtcPS.Engine.Ice.RTCIceCandidate.Parse("candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host")],
        EndOfCandidates = true,
    };

    [SkippableFact]
    public void Aiortc_AnswersOurOffer_AndWeReadItsAnswer()
    {
        var offer = DataChannelSdpBuilder.CreateOffer(Options).ToString();
        using var peer = Start("answer");
        peer.StandardInput.Write(offer);
        peer.StandardInput.Close();
        var answerText = Finish(peer);

        var answer = DataChannelSessionDescription.Parse(answerText);
        Assert.Equal("UDP/DTLS/SCTP", answer.Proto); // aiortc answers in the offer's (modern) form
        Assert.Equal("0", answer.Mid);
        Assert.Equal(SdpSetupRole.Active, answer.Setup);
        Assert.Equal(5000, answer.SctpPort);
        Assert.Equal(65536, answer.MaxMessageSize);
        Assert.NotEmpty(answer.Fingerprints);
    }

    [SkippableFact]
    public void Aiortc_AcceptsOurAnswer_ToItsLegacyOffer()
    {
        using var peer = Start("offer");
        var offerLines = new List<string>();
        string? line;
        while ((line = peer.StandardOutput.ReadLine()) is not null && line != ".") offerLines.Add(line);
        if (line is null)
        {
            Finish(peer); // skips if aiortc is missing, else reports its error
            Assert.Fail("aiortc ended without printing an offer");
        }
        var offer = SdpSessionDescription.Parse(string.Join("\n", offerLines));
        Assert.True(DataChannelSessionDescription.FromSdp(offer).IsLegacySctpFormat);

        var answer = DataChannelSdpBuilder.CreateAnswer(offer, Options).ToString();
        Assert.Contains("a=sctpmap:5000 webrtc-datachannel", answer);
        peer.StandardInput.Write(answer);
        peer.StandardInput.Close();
        Assert.Equal("accepted", Finish(peer).Trim());
    }

    private static Process Start(string mode)
    {
        Interop.Require(File.Exists(Python), $"{Python} not found (apt-get install python3-aiortc)");
        var script = Path.Combine(Interop.RepoRoot, "tests", "WebRtcPS.Engine.Tests", "Sdp", "aiortc_sdp_peer.py");
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { script, mode },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
    }

    private static string Finish(Process peer)
    {
        var stdout = peer.StandardOutput.ReadToEndAsync();
        var stderr = peer.StandardError.ReadToEndAsync();
        if (!peer.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            peer.Kill();
            Assert.Fail("aiortc peer did not finish within 60 s");
        }
        Interop.Require(peer.ExitCode != 3, "aiortc is not installed (apt-get install python3-aiortc)");
        Assert.True(peer.ExitCode == 0, $"aiortc peer failed ({peer.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }
}
