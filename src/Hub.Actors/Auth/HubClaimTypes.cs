namespace Hub.Auth;

/// <summary>The claims Hub reads from a user's token to build a <see cref="HubUser"/>.</summary>
public static class HubClaimTypes
{
    /// <summary>The user's name (JWT <c>sub</c>).</summary>
    public const string Name = "sub";

    /// <summary>One permission per claim, for <c>[PermissionRequired]</c> and <c>RequirePermission</c>.</summary>
    public const string Permission = "permission";

    /// <summary>One role per claim.</summary>
    public const string Role = "role";

    /// <summary><c>"true"</c> for a superuser, who holds every permission.</summary>
    public const string Superuser = "superuser";

    /// <summary>Expiry, seconds since the Unix epoch (JWT <c>exp</c>); a connection is closed when it passes.</summary>
    public const string Expires = "exp";
}
