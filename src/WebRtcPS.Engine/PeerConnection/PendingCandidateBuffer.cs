using WebRtcPS.Engine.Runtime;

namespace WebRtcPS.Engine.PeerConnection;

/// <summary>
/// Holds remote candidates that arrive before the remote description, as the seed protocol's
/// peers do (W3C addIceCandidate would reject them with InvalidStateError), and applies them, in
/// arrival order, right after the description is set.
/// </summary>
/// <example>
/// <code>
/// var pending = new PendingCandidateBuffer(pc);
/// // signaling loop:
/// case "candidate": pending.Add(message.Content); break;
/// case "offer": pc.SetRemoteDescription(offer); pending.Flush(); ...
/// </code>
/// </example>
/// <remarks>Its list is owned by a <see cref="SerialLoop"/> (Add and Flush run there one at a
/// time, and wait): a candidate cannot slip between a flush and the next add.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SerialLoop without deadlines holds no timer: nothing to release; it goes with its owner.")]
public sealed class PendingCandidateBuffer
{
    private readonly SerialLoop _loop = new("pending candidate buffer loop", null, null, PeerConnectionLog.LoopWorkFailed);
    private readonly RTCPeerConnection _connection;
    private readonly List<RTCIceCandidateInit?> _held = [];
    private volatile int _count;

    /// <summary>A buffer for the candidates of <paramref name="connection"/>.</summary>
    public PendingCandidateBuffer(RTCPeerConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    /// <summary>Candidates held so far (not yet applied).</summary>
    public int Count => _count;

    /// <summary>Applies the candidate now when the remote description is set (after any held ones),
    /// else holds it. Returns true when applied. Errors other than the missing description
    /// (a bad candidate: <see cref="OperationError"/>) are thrown.</summary>
    public bool Add(RTCIceCandidateInit? candidate) => _loop.Invoke(() =>
    {
        if (_connection.RemoteDescription is null || _held.Count > 0 && !TryFlushHeld())
        {
            _held.Add(candidate);
            _count = _held.Count;
            return false;
        }
        _connection.AddIceCandidate(candidate);
        return true;
    });

    /// <summary>A bare "candidate:..." line (the seed protocol's content); null or empty is end-of-candidates.</summary>
    public bool Add(string? candidateLine) =>
        Add(string.IsNullOrWhiteSpace(candidateLine) ? null : new RTCIceCandidateInit(candidateLine));

    /// <summary>Applies every held candidate; call right after setRemoteDescription. Returns how many were applied.
    /// A candidate that fails (it does not parse) is dropped and its error rethrown after the rest are applied.</summary>
    public int Flush() => _loop.Invoke(() =>
    {
        if (_connection.RemoteDescription is null) return 0;
        var count = _held.Count;
        TryFlushHeld();
        return count;
    });

    /// <summary>On the loop: applies the held candidates once the remote description is there.</summary>
    private bool TryFlushHeld()
    {
        if (_connection.RemoteDescription is null) return false;
        var held = _held.ToList();
        _held.Clear();
        _count = 0;
        List<Exception>? errors = null;
        foreach (var candidate in held)
        {
            try
            {
                _connection.AddIceCandidate(candidate);
            }
            catch (OperationError ex)
            {
                (errors ??= []).Add(ex);
            }
        }
        if (errors is { Count: 1 }) throw errors[0];
        if (errors is not null) throw new AggregateException("Some held candidates could not be added.", errors);
        return true;
    }
}
