using System.Globalization;
using System.Security.Claims;

namespace Hub.Auth;

/// <summary>
/// Who is calling, as methods and access rules see it: name, permissions, roles and the superuser flag, read from
/// the claims of the authenticated <see cref="Principal"/> (see <see cref="HubClaimTypes"/>), which is there whole
/// for custom checks. An anonymous caller is <see cref="Anonymous"/>, never null.
/// </summary>
public sealed class HubUser
{
    /// <summary>Wraps an authenticated (or anonymous) principal.</summary>
    public HubUser(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        Principal = principal;
        var identity = principal.Identity as ClaimsIdentity;
        Permissions = [.. principal.FindAll(HubClaimTypes.Permission).Select(c => c.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Roles = [.. principal.Claims
            .Where(c => c.Type == HubClaimTypes.Role || c.Type == ClaimTypes.Role || c.Type == identity?.RoleClaimType)
            .Select(c => c.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        IsSuperuser = string.Equals(principal.FindFirst(HubClaimTypes.Superuser)?.Value, "true", StringComparison.OrdinalIgnoreCase);
        ExpiresAt = long.TryParse(principal.FindFirst(HubClaimTypes.Expires)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : null;
    }

    /// <summary>A caller with no identity.</summary>
    public static HubUser Anonymous { get; } = new(new ClaimsPrincipal(new ClaimsIdentity()));

    /// <summary>The authenticated principal, with every claim of the token.</summary>
    public ClaimsPrincipal Principal { get; }

    /// <summary>True for a logged-in user.</summary>
    public bool IsAuthenticated => Principal.Identity?.IsAuthenticated == true;

    /// <summary>The user's name; null when anonymous.</summary>
    public string? Name => IsAuthenticated ? Principal.Identity?.Name ?? Principal.FindFirst(HubClaimTypes.Name)?.Value : null;

    /// <summary>The user's permissions, sorted.</summary>
    public IReadOnlyList<string> Permissions { get; }

    /// <summary>The user's roles, sorted.</summary>
    public IReadOnlyList<string> Roles { get; }

    /// <summary>A superuser holds every permission.</summary>
    public bool IsSuperuser { get; }

    /// <summary>When the user's authentication expires, if it does.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>True when the user is logged in and holds <paramref name="permission"/> (a superuser holds all).</summary>
    public bool HasPermission(string permission) =>
        IsAuthenticated && (IsSuperuser || Permissions.Contains(permission, StringComparer.Ordinal));

    /// <summary>True when the user is logged in and has <paramref name="role"/>.</summary>
    public bool IsInRole(string role) => IsAuthenticated && Roles.Contains(role, StringComparer.Ordinal);
}
