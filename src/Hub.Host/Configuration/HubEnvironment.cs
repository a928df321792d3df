namespace Hub.Host.Configuration;

/// <summary>
/// Maps <c>HUB_*</c> environment variables onto configuration keys, so deployments set flat, shell-friendly
/// names: <c>HUB_MAX_MESSAGE_BYTES</c> is <c>Hub:MaxMessageBytes</c>, and the cluster's <c>HUB_HOSTNAME</c>,
/// <c>HUB_PORT</c>, <c>HUB_PUBLIC_HOSTNAME</c>, <c>HUB_SEEDS</c> (comma-separated) and <c>HUB_ROLES</c> are
/// <c>Hub:Cluster:*</c>, <c>HUB_TLS_CERTIFICATE_PATH</c> and <c>HUB_TLS_CERTIFICATE_PASSWORD</c> are
/// <c>Hub:Cluster:Tls:CertificatePath</c> and <c>CertificatePassword</c>; engine settings take <c>HUB_ENGINE__MAX_IN_FLIGHT</c> for <c>hub.max-in-flight</c> (and
/// <c>HUB_ENGINE__OUTBOUND__MAX_MESSAGES</c> for <c>hub.outbound.max-messages</c>); <c>HUB_ALLOWED_ORIGINS</c> is
/// comma-separated too. Akka's HOCON parser reads no
/// environment, so this is the one way in.
/// </summary>
public static class HubEnvironment
{
    private static readonly string[] ClusterKeys = ["HOSTNAME", "PORT", "PUBLIC_HOSTNAME", "SEEDS", "ROLES"];

    /// <summary>Host settings that are lists, comma-separated in their variable: <c>HUB_ALLOWED_ORIGINS</c> is <c>Hub:AllowedOrigins</c>.</summary>
    private static readonly string[] ListKeys = ["ALLOWED_ORIGINS"];

    // The cluster transport's TLS: HUB_TLS_CERTIFICATE_PATH is Hub:Cluster:Tls:CertificatePath.
    private static readonly string[] ClusterTlsKeys = ["TLS_CERTIFICATE_PATH", "TLS_CERTIFICATE_PASSWORD"];

    /// <summary>The configuration entries the given variables stand for.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Map(System.Collections.IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        foreach (System.Collections.DictionaryEntry entry in variables)
        {
            var name = (string)entry.Key;
            if (!name.StartsWith("HUB_", StringComparison.Ordinal) || name.Length == 4)
            {
                continue;
            }

            var rest = name[4..];
            var value = (string?)entry.Value;
            if (rest.StartsWith("ENGINE__", StringComparison.Ordinal))
            {
                // Engine (HOCON) keys are kebab-case: HUB_ENGINE__MAX_IN_FLIGHT is hub.max-in-flight.
                var hocon = rest["ENGINE__".Length..].ToLowerInvariant().Replace("__", ":", StringComparison.Ordinal).Replace('_', '-');
                yield return new($"{HubHostOptions.Section}:Engine:{hocon}", value);
            }
            else if (ClusterTlsKeys.Contains(rest, StringComparer.Ordinal))
            {
                yield return new($"{HubHostOptions.Section}:Cluster:Tls:{Pascal(rest["TLS_".Length..])}", value);
            }
            else if (ClusterKeys.Contains(rest, StringComparer.Ordinal))
            {
                var key = $"{HubHostOptions.Section}:Cluster:{Pascal(rest)}";
                if (rest is "SEEDS" or "ROLES")
                {
                    var parts = (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    for (var i = 0; i < parts.Length; i++)
                    {
                        yield return new($"{key}:{i}", parts[i]);
                    }
                }
                else
                {
                    yield return new(key, value);
                }
            }
            else if (ListKeys.Contains(rest, StringComparer.Ordinal))
            {
                var parts = (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (var i = 0; i < parts.Length; i++)
                {
                    yield return new($"{HubHostOptions.Section}:{Pascal(rest)}:{i}", parts[i]);
                }
            }
            else
            {
                // Sections nest with a double underscore: HUB_AUTH__SIGNING_KEY is Hub:Auth:SigningKey.
                var path = string.Join(':', rest.Split("__").Select(Pascal));
                yield return new($"{HubHostOptions.Section}:{path}", value);
            }
        }
    }

    private static string Pascal(string snake) =>
        string.Concat(snake.Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant()));
}
