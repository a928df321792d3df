namespace Hub.Auth;

/// <summary>
/// Only logged-in users holding <see cref="Permission"/> (or superusers) may call this method. Several attributes
/// require all their permissions.
/// </summary>
/// <example><code>hub.AddMethod("delete", [PermissionRequired("admin")] (string id) => Delete(id));</code></example>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true)]
public sealed class PermissionRequiredAttribute(string permission) : Attribute
{
    /// <summary>The permission a caller must hold.</summary>
    public string Permission { get; } = permission;
}
