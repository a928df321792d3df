using System.Security.Claims;
using Hub.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Host.Auth;

/// <summary>Validates <c>login</c> tokens with the same parameters as the connection's JWT bearer scheme.</summary>
internal sealed class JwtHubAuthenticator(TokenValidationParameters parameters) : IHubAuthenticator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<ClaimsPrincipal?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        return result.IsValid ? new ClaimsPrincipal(result.ClaimsIdentity) : null;
    }
}
