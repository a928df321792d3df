using System.Security.Claims;
using Hub.Host.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hub.Host.Auth;

/// <summary>
/// Authenticates each WebSocket upgrade and HTTP request through ASP.NET Core authentication, before anything else:
/// a token in <c>Authorization: Bearer</c>, the <c>access_token</c> query parameter (browsers cannot set headers on
/// a WebSocket) or the token cookie. A token that fails answers 401; no token is an anonymous caller, unless
/// <see cref="HubAuthOptions.RequireUser"/>.
/// </summary>
public static class HubAuthentication
{
    /// <summary>The name of the built-in JWT bearer scheme.</summary>
    public const string Scheme = "Hub";

    /// <summary>Registers the built-in JWT bearer scheme, configured from <c>Hub:Auth</c>.</summary>
    public static void AddHubJwtBearer(IServiceCollection services)
    {
        services.AddAuthentication().AddJwtBearer(Scheme, _ => { });
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<IOptions<HubHostOptions>>((jwt, hub) =>
        {
            var auth = hub.Value.Auth;
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = HubJwt.ValidationParameters(auth);
            jwt.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    if (string.IsNullOrEmpty(context.Request.Headers.Authorization))
                    {
                        context.Token = context.Request.Query["access_token"].FirstOrDefault()
                            ?? context.Request.Cookies[auth.CookieName];
                    }

                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>
    /// The caller of <paramref name="context"/>: its user (null for anonymous), or false after answering 401.
    /// </summary>
    internal static async Task<(bool Allowed, ClaimsPrincipal? User)> AuthenticateAsync(HttpContext context, HubAuthOptions options)
    {
        var result = await context.AuthenticateAsync(options.Scheme).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return (true, result.Principal);
        }

        if (result.Failure is not null || options.RequireUser)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return (false, null);
        }

        return (true, null);
    }
}
