using System.Security.Claims;

namespace Hub.Auth;

/// <summary>
/// Validates a token sent with the built-in <c>login</c> method, the same way the host authenticates connections.
/// The host provides it (for its JWT setup); without one, <c>login</c> is unavailable.
/// </summary>
public interface IHubAuthenticator
{
    /// <summary>The user the token stands for, or null when it is not valid (bad signature, audience, expired...).</summary>
    Task<ClaimsPrincipal?> AuthenticateAsync(string token, CancellationToken cancellationToken);
}
