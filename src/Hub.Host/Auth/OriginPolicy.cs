using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Hub.Host.Auth;

/// <summary>
/// Which page origins may use credentials a browser sends by itself (the token cookie): the hub's own origin, the
/// scheme, host and port of the request (as <c>UseForwardedHeaders</c> leaves them behind a proxy), and the origins
/// of <see cref="Configuration.HubHostOptions.AllowedOrigins"/>, where <c>*</c> allows any. A request without an
/// <c>Origin</c> header is allowed: browsers send one with every WebSocket upgrade and cross-origin POST, so such a
/// request comes from a program that chose its credentials itself.
/// </summary>
internal static class OriginPolicy
{
    /// <summary>The entry of <c>Hub:AllowedOrigins</c> that allows every origin.</summary>
    public const string Any = "*";

    /// <summary>True when <paramref name="request"/> has no <c>Origin</c>, or one allowed by <paramref name="allowed"/> or the hub's own.</summary>
    public static bool Allows(HttpRequest request, IReadOnlyList<string> allowed)
    {
        var origin = request.Headers[HeaderNames.Origin].ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        if (allowed.Contains(Any, StringComparer.Ordinal))
        {
            return true;
        }

        // "null" (a sandboxed page, a file) and anything else that is not an absolute URL matches no origin.
        if (!TryParse(origin, out var page))
        {
            return false;
        }

        var host = request.Host;
        if (host.HasValue
            && string.Equals(page.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(page.Host, host.Host, StringComparison.OrdinalIgnoreCase)
            && page.Port == (host.Port ?? DefaultPort(request.Scheme)))
        {
            return true;
        }

        foreach (var entry in allowed)
        {
            if (TryParse(entry, out var listed)
                && string.Equals(page.Scheme, listed.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(page.Host, listed.Host, StringComparison.OrdinalIgnoreCase)
                && page.Port == listed.Port)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for <c>*</c> and for an origin: <c>http</c> or <c>https</c>, a host, an optional port, no path (a lone <c>/</c> aside), query or user.</summary>
    public static bool IsValidEntry(string? entry) => entry == Any || (entry is not null && TryParse(entry, out _));

    private static bool TryParse(string text, out Uri origin)
    {
        origin = null!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.UserInfo.Length > 0
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            return false;
        }

        origin = uri;
        return true;
    }

    private static int DefaultPort(string scheme) =>
        string.Equals(scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ? 443 : 80;
}
