using StackExchange.Redis;

namespace WebRtcPS.Signaling.Server.Redis;

/// <summary>
/// Reads <see cref="SignalingServerOptions.Redis"/>: <c>host:port</c>, a StackExchange.Redis
/// configuration string (<c>host:6380,password=…,ssl=true</c>), or a URI <c>redis://[user:]password@host:port</c>
/// (<c>rediss://</c> for TLS). The client reconnects by itself and fails commands at once while
/// disconnected, so /send answers 503 instead of waiting.
/// </summary>
internal static class RedisConfiguration
{
    public static ConfigurationOptions Parse(string value)
    {
        ConfigurationOptions options;
        if (value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            var uri = new Uri(value);
            options = new ConfigurationOptions();
            options.EndPoints.Add(uri.Host.Trim('[', ']'), uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port);
            if (uri.UserInfo.Length > 0)
            {
                var parts = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
                if (parts.Length == 2)
                {
                    if (parts[0].Length > 0) options.User = parts[0];
                    options.Password = parts[1];
                }
                else
                {
                    options.Password = parts[0];
                }
            }
            if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase))
            {
                options.Ssl = true;
                options.SslHost = uri.Host;
            }
        }
        else
        {
            options = ConfigurationOptions.Parse(value);
        }
        if (options.EndPoints.Count == 0) throw new ArgumentException($"no Redis endpoint in '{Describe(options)}'");
        options.AbortOnConnectFail = false; // start without Redis, connect when it comes
        options.BacklogPolicy = BacklogPolicy.FailFast; // never hold a /send while disconnected
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.ClientName ??= "WebRtcPS.Signaling";
        return options;
    }

    /// <summary>The endpoints, never the password.</summary>
    public static string Describe(ConfigurationOptions options) =>
        string.Join(",", options.EndPoints.Select(e => EndPointCollection.ToString(e))) + (options.Ssl ? " (TLS)" : "");
}
