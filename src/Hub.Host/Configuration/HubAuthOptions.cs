using Hub.Host.Auth;

namespace Hub.Host.Configuration;

/// <summary>
/// Authentication of connections (<c>Hub:Auth</c>; environment <c>HUB_AUTH__SIGNING_KEY</c>,
/// <c>HUB_AUTH__REQUIRE_USER</c> and so on). The built-in JWT bearer setup works from these settings alone; any
/// other ASP.NET Core scheme can be used by naming it in <see cref="Scheme"/>.
/// </summary>
public sealed class HubAuthOptions
{
    /// <summary>Refuse anonymous connections with 401. Default <see langword="false"/>: anonymous callers see only open methods and topics.</summary>
    public bool RequireUser { get; set; }

    /// <summary>The ASP.NET Core authentication scheme connections are authenticated with. Default <c>Hub</c>, the built-in JWT bearer scheme.</summary>
    public string Scheme { get; set; } = HubAuthentication.Scheme;

    /// <summary>Expected token issuer (<c>iss</c>). Default <c>hub</c>.</summary>
    public string Issuer { get; set; } = "hub";

    /// <summary>Expected token audience (<c>aud</c>). Default <c>hub</c>.</summary>
    public string Audience { get; set; } = "hub";

    /// <summary>
    /// HMAC-SHA256 signing key, at least 32 bytes of text; every node of a cluster needs the same. Default: none, and
    /// then the development key of <see cref="DevelopmentKeyFile"/>, with a warning.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>A file whose contents are the signing key (for secrets mounted as files). Used when <see cref="SigningKey"/> is empty. Default: none.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>
    /// Where the development key is kept when neither <see cref="SigningKey"/> nor <see cref="SigningKeyFile"/> is set:
    /// a random key, created on first use in a file only the user can read, and shared by the hubs and token
    /// commands of that user. Default: none, and then <c>hub/signing-key</c> in the user's application data
    /// (<c>~/.config/hub/signing-key</c> on Linux, <c>%APPDATA%\hub\signing-key</c> on Windows).
    /// </summary>
    public string? DevelopmentKeyFile { get; set; }

    /// <summary>Cookie carrying a token, for browsers. Default <c>hub_token</c>.</summary>
    public string CookieName { get; set; } = "hub_token";
}
