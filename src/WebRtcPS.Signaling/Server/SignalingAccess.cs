using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// Bearer-token authentication (RFC 6750 §2.1: <c>Authorization: Bearer TOKEN</c>; never a query
/// parameter, which proxies and logs keep). Tokens are held only as SHA-256 hashes and compared
/// in constant time; no token reaches a log. Off when the options name no token, so the seed's
/// peers, which send none, keep working unchanged.
/// </summary>
internal sealed class SignalingAccess
{
    private readonly byte[]? _accessTokenHash;
    private readonly Dictionary<string, HashSet<string>> _idsByTokenHash = new(StringComparer.Ordinal);
    private readonly HashSet<string> _knownIds = new(StringComparer.Ordinal);

    public SignalingAccess(SignalingServerOptions options)
    {
        if (options.AccessToken is { } token) _accessTokenHash = Hash(token);
        foreach (var (id, idToken) in options.IdTokens ?? new Dictionary<string, string>())
        {
            var key = Convert.ToHexString(Hash(idToken));
            if (!_idsByTokenHash.TryGetValue(key, out var ids)) _idsByTokenHash[key] = ids = new HashSet<string>(StringComparer.Ordinal);
            ids.Add(id);
            _knownIds.Add(id);
        }
        IsEnabled = _accessTokenHash is not null || _idsByTokenHash.Count > 0;
    }

    public bool IsEnabled { get; }

    /// <summary>What the request's token grants; <see cref="Grant.Everything"/> when authentication is off.</summary>
    public Grant Authenticate(HttpContext context)
    {
        if (!IsEnabled) return Grant.Everything;
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Grant.Missing;
        var hash = Hash(header["Bearer ".Length..].Trim());
        if (_accessTokenHash is not null && CryptographicOperations.FixedTimeEquals(hash, _accessTokenHash)) return Grant.Everything;
        // Looked up by hash: the timing of the lookup says nothing about the token itself.
        return _idsByTokenHash.TryGetValue(Convert.ToHexString(hash), out var ids) ? new Grant(GrantKind.Ids, ids) : Grant.Invalid;
    }

    /// <summary>Null when <paramref name="grant"/> may /receive as <paramref name="id"/>, otherwise why not.</summary>
    public static string? CheckReceive(Grant grant, string id) =>
        grant.Holds(id) ? null : $"this token does not hold the id '{id}'";

    /// <summary>Null when <paramref name="grant"/> may send from <paramref name="from"/> to <paramref name="to"/>, otherwise why not (and the field).</summary>
    public (string Error, string Field)? CheckSend(Grant grant, string from, string to)
    {
        if (grant.Kind == GrantKind.Everything) return null;
        if (!grant.Holds(from)) return ($"this token does not hold the id '{from}' given as 'from'", "from");
        if (!_knownIds.Contains(to)) return ($"'{to}' is not an id this server has a token for", "to");
        return null;
    }

    /// <summary>Writes the 401 (no or unknown token) of RFC 6750 §3, with a JSON body.</summary>
    public static Task ChallengeAsync(HttpContext context, Grant grant)
    {
        context.Response.Headers.WWWAuthenticate = grant.Kind == GrantKind.Missing
            ? "Bearer realm=\"webrtcps-signaling\""
            : "Bearer realm=\"webrtcps-signaling\", error=\"invalid_token\"";
        return JsonResponse.ErrorAsync(context, StatusCodes.Status401Unauthorized, Describe(grant));
    }

    public static string Describe(Grant grant) => grant.Kind == GrantKind.Missing
        ? "authentication required: send 'Authorization: Bearer <token>'"
        : "invalid token";

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    internal enum GrantKind { Missing, Invalid, Everything, Ids }

    /// <summary>The outcome of authenticating one request.</summary>
    internal sealed record Grant(GrantKind Kind, IReadOnlySet<string>? Ids)
    {
        public static readonly Grant Missing = new(GrantKind.Missing, null);
        public static readonly Grant Invalid = new(GrantKind.Invalid, null);
        public static readonly Grant Everything = new(GrantKind.Everything, null);

        public bool IsAuthenticated => Kind is GrantKind.Everything or GrantKind.Ids;

        public bool Holds(string id) => Kind == GrantKind.Everything || (Kind == GrantKind.Ids && Ids!.Contains(id));
    }
}
