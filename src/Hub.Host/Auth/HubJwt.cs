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
    /// <summary>True when <paramref name="options"/> configure no key of their own, so the development key is used.</summary>
    public static bool UsesDevelopmentKey(HubAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrEmpty(options.SigningKey) && string.IsNullOrEmpty(options.SigningKeyFile);
    }

    /// <summary>
    /// The file keeping the development key: <see cref="HubAuthOptions.DevelopmentKeyFile"/>, by default
    /// <c>hub/signing-key</c> in the user's application data (<c>~/.config/hub/signing-key</c> on Linux).
    /// </summary>
    /// <exception cref="InvalidOperationException">None is set and the process has no user profile.</exception>
    public static string DevelopmentKeyFile(HubAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return !string.IsNullOrEmpty(options.DevelopmentKeyFile) ? options.DevelopmentKeyFile
            : DevelopmentKey.DefaultPath ?? throw new InvalidOperationException(
                "No Hub:Auth:SigningKey is configured and there is no user profile to keep a development key in: set Hub:Auth:SigningKey, SigningKeyFile or DevelopmentKeyFile.");
    }

    /// <summary>
    /// The signing key: <see cref="HubAuthOptions.SigningKey"/>, the contents of its key file, or else the development
    /// key, a random key made on first use and kept in <see cref="DevelopmentKeyFile"/>, readable by the user alone.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key is shorter than 32 bytes, or the development key file is unusable.</exception>
    public static SymmetricSecurityKey SigningKey(HubAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = !string.IsNullOrEmpty(options.SigningKey) ? options.SigningKey
            : !string.IsNullOrEmpty(options.SigningKeyFile) ? File.ReadAllText(options.SigningKeyFile).Trim()
            : DevelopmentKey.LoadOrCreate(DevelopmentKeyFile(options));
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
