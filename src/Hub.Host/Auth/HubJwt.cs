using System.Security.Claims;
using System.Text;
using Hub.Auth;
using Hub.Host.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Host.Auth;

/// <summary>
/// The built-in JWT setup: HMAC-SHA256 tokens whose <c>sub</c> is the user, with <c>permission</c>, <c>role</c> and
/// <c>superuser</c> claims (<see cref="HubClaimTypes"/>). Validation is Microsoft.IdentityModel's, through ASP.NET
/// Core's JwtBearer handler for connections and directly for the <c>login</c> method.
/// </summary>
public static class HubJwt
{
    /// <summary>
    /// The key used when none is configured. It is public (it is in this source), so a hub using it accepts tokens
    /// anyone can mint: the host logs a warning at startup.
    /// </summary>
    public const string DevelopmentKey = "hub-development-key-do-not-use-in-production-0123456789";

    /// <summary>True when <paramref name="options"/> configure no key of their own.</summary>
    public static bool UsesDevelopmentKey(HubAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrEmpty(options.SigningKey) && string.IsNullOrEmpty(options.SigningKeyFile);
    }

    /// <summary>The signing key: <see cref="HubAuthOptions.SigningKey"/>, the contents of its key file, or the development key.</summary>
    public static SymmetricSecurityKey SigningKey(HubAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = !string.IsNullOrEmpty(options.SigningKey) ? options.SigningKey
            : !string.IsNullOrEmpty(options.SigningKeyFile) ? File.ReadAllText(options.SigningKeyFile).Trim()
            : DevelopmentKey;
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Hub:Auth:SigningKey must be at least 32 bytes for HMAC-SHA256.");
        }

        return new SymmetricSecurityKey(bytes);
    }

    /// <summary>How tokens are checked: signature, issuer, audience and lifetime (30 s clock skew).</summary>
    public static TokenValidationParameters ValidationParameters(HubAuthOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = SigningKey(options),
        ValidateIssuerSigningKey = true,
        ValidateLifetime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = HubClaimTypes.Name,
        RoleClaimType = HubClaimTypes.Role,
    };

    /// <summary>Mints a token for <paramref name="user"/>, signed with the configured key.</summary>
    public static string CreateToken(HubAuthOptions options, string user, IEnumerable<string> permissions, IEnumerable<string> roles, bool superuser, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(options);
        var claims = new List<Claim> { new(HubClaimTypes.Name, user) };
        claims.AddRange(permissions.Select(p => new Claim(HubClaimTypes.Permission, p)));
        claims.AddRange(roles.Select(r => new Claim(HubClaimTypes.Role, r)));
        if (superuser)
        {
            claims.Add(new Claim(HubClaimTypes.Superuser, "true"));
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(SigningKey(options), SecurityAlgorithms.HmacSha256),
        });
    }
}
