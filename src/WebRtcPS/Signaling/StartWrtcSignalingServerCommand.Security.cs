using System.Collections;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Commands.Signaling;

/// <summary>
/// Start-WrtcSignalingServer's parameters for a public address: bearer tokens, HTTPS and the
/// global limits (the server's side: src/WebRtcPS.Signaling/Server/SECURITY.md).
/// </summary>
public sealed partial class StartWrtcSignalingServerCommand
{
    /// <summary>One bearer token every client must send (Authorization: Bearer); peers pass it with -SignalingToken.</summary>
    [Parameter]
    [ValidateNotNull]
    public SecureString? AccessToken { get; set; }

    /// <summary>Per-id tokens, @{ alice = 'token-a'; bob = 'token-b' } (values strings or SecureStrings): a token's holder may only receive as, and send from, its ids.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? IdToken { get; set; }

    /// <summary>Per-id tokens from a JSON file: { "alice": "token-a", "bob": "token-b" }.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? IdTokenPath { get; set; }

    /// <summary>Serve HTTPS with this certificate file: .pfx/.p12, or PEM (key in the same file or -CertificateKeyPath).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of -CertificatePath, when it is in its own file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificateKeyPath { get; set; }

    /// <summary>Password of the .pfx file or of the encrypted PEM key.</summary>
    [Parameter]
    [ValidateNotNull]
    public SecureString? CertificatePassword { get; set; }

    /// <summary>Serve HTTPS with this certificate (with its private key).</summary>
    [Parameter]
    [ValidateNotNull]
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Serve HTTPS with a generated self-signed certificate; its SHA-256 fingerprint is printed and returned (CertificateThumbprint) for clients to pin.</summary>
    [Parameter]
    public SwitchParameter SelfSigned { get; set; }

    /// <summary>Origins (https://host[:port]) browser pages may call from; any other Origin is refused with 403. Every origin when omitted.</summary>
    [Parameter]
    [Alias("CorsOrigin")]
    [ValidateNotNullOrEmpty]
    public string[]? AllowedOrigin { get; set; }

    /// <summary>Most peer ids held at once; a message to a new id beyond it is refused (503).</summary>
    [Parameter]
    [ValidateRange(1, 10_000_000)]
    public int MaxIds { get; set; } = 10_000;

    /// <summary>Most bytes queued over all ids (half at most for ids nobody reads); beyond it 503.</summary>
    [Parameter]
    [ValidateRange(1024 * 1024, long.MaxValue)]
    public long MaxQueuedBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Requests per second per client address (IPv6: per /64); 0 turns the limit off. Loopback clients are not limited.</summary>
    [Parameter]
    [ValidateRange(0, 1_000_000)]
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>Most simultaneous connections (each /receive stream holds one).</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int MaxConnections { get; set; } = 20_000;

    private bool _selfSignedMade;

    private void ApplySecurity(SignalingServerOptions options, IPAddress? address)
    {
        options.MaxIds = MaxIds;
        options.MaxQueuedBytes = MaxQueuedBytes;
        options.RequestsPerSecondPerAddress = RequestsPerSecond;
        options.RequestBurstPerAddress = Math.Max(2 * RequestsPerSecond, 1);
        options.MaxConnections = MaxConnections;
        options.AllowedOrigins = AllowedOrigin;
        if (AccessToken is not null) options.AccessToken = Plain(AccessToken);
        options.IdTokens = ReadIdTokens();
        options.Certificate = ReadCertificate(address);
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            Fail(ex, "InvalidSignalingServerOption", ErrorCategory.InvalidArgument, null);
        }
    }

    private Dictionary<string, string>? ReadIdTokens()
    {
        if (IdToken is null && IdTokenPath is null) return null;
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in IdToken ?? new Hashtable())
        {
            var value = entry.Value is PSObject ps ? ps.BaseObject : entry.Value;
            var token = value switch
            {
                SecureString secure => Plain(secure),
                string text => text,
                _ => null,
            };
            if (string.IsNullOrEmpty(token))
                Fail(new ArgumentException($"-IdToken: the token of '{entry.Key}' must be a non-empty string or SecureString."),
                    "InvalidIdToken", ErrorCategory.InvalidArgument, entry.Key);
            tokens[entry.Key.ToString()!] = token;
        }
        if (IdTokenPath is not null)
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(IdTokenPath);
            try
            {
                var fromFile = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))
                    ?? throw new JsonException("the file holds null");
                foreach (var (id, token) in fromFile) tokens[id] = token;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                Fail(new ArgumentException($"-IdTokenPath '{path}': {ex.Message}", ex), "InvalidIdTokenFile", ErrorCategory.InvalidData, path,
                    "Give a JSON object of id to token strings, e.g. { \"alice\": \"token-a\", \"bob\": \"token-b\" }.");
            }
        }
        return tokens;
    }

    private X509Certificate2? ReadCertificate(IPAddress? address)
    {
        var given = (CertificatePath is null ? 0 : 1) + (Certificate is null ? 0 : 1) + (SelfSigned ? 1 : 0);
        if (given > 1)
            Fail(new ArgumentException("Give only one of -CertificatePath, -Certificate and -SelfSigned."), "CertificateConflict", ErrorCategory.InvalidArgument, null);
        if (Certificate is not null) return Certificate;
        if (SelfSigned)
        {
            _selfSignedMade = true;
            return SignalingCertificates.CreateSelfSigned(address is null ? null : [address.ToString()]);
        }
        if (CertificatePath is null) return null;
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(CertificatePath);
        var keyPath = CertificateKeyPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CertificateKeyPath);
        try
        {
            return SignalingCertificates.Load(path, keyPath, CertificatePassword is null ? null : Plain(CertificatePassword));
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            Fail(ex, "CertificateLoadFailed", ErrorCategory.InvalidData, path,
                "Give a .pfx/.p12 file (with -CertificatePassword if it has one) or a PEM certificate with its key (in the same file or -CertificateKeyPath).");
            return null;
        }
    }

    private void AnnounceCertificate(SignalingServer server)
    {
        if (server.CertificateThumbprint is not { } thumbprint) return;
        var what = _selfSignedMade ? "self-signed certificate" : "certificate";
        WriteInformation(new HostInformationMessage
        {
            Message = $"Signaling server {server.Url} uses a {what} with SHA-256 fingerprint {thumbprint}" +
                      (_selfSignedMade ? $" (clients: -SignalingCertificateThumbprint {thumbprint})" : ""),
        }, ["PSHOST"]);
    }

    private static string Plain(SecureString secure) => new NetworkCredential("", secure).Password;

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(Exception exception, string errorId, ErrorCategory category, object? target, string? recommendedAction = null)
    {
        var record = new ErrorRecord(exception, errorId, category, target);
        if (recommendedAction is not null) record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction };
        ThrowTerminatingError(record);
        throw exception; // ThrowTerminatingError does not return
    }
}
