using System.Security.Claims;
using Hub.Host.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Host.Auth;

/// <summary>
/// Authenticates each WebSocket upgrade and HTTP request through ASP.NET Core authentication, before anything else:
/// a token in <c>Authorization: Bearer</c>, the <c>access_token</c> query parameter (browsers cannot set headers on
/// a WebSocket) or the token cookie. A token that fails answers 401; no token is an anonymous caller, unless
/// <see cref="HubAuthOptions.RequireUser"/>. Credentials from a cookie answer 403 when the request comes from a page
/// of an origin other than the hub's own and <see cref="HubHostOptions.AllowedOrigins"/> (see <see cref="OriginPolicy"/>).
/// </summary>
public static class HubAuthentication
{
    /// <summary>The name of the built-in JWT bearer scheme.</summary>
    public const string Scheme = "Hub";

    /// <summary>Set in <see cref="HttpContext.Items"/> when the built-in scheme read the token from the cookie.</summary>
    private static readonly object FromCookie = new();

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
                        context.Token = context.Request.Query["access_token"].FirstOrDefault();
                        if (context.Token is null && context.Request.Cookies[auth.CookieName] is { } cookie)
                        {
                            context.Token = cookie;
                            context.HttpContext.Items[FromCookie] = true;
                        }
                    }

                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>
    /// The caller of <paramref name="context"/>: its user (null for anonymous), or false after answering 401 (a
    /// token that fails, or none while a user is required) or 403 (a cookie's user, from an origin not allowed).
    /// </summary>
    internal static async Task<(bool Allowed, ClaimsPrincipal? User)> AuthenticateAsync(HttpContext context, HubHostOptions options)
    {
        var auth = options.Auth;
        var result = await context.AuthenticateAsync(auth.Scheme).ConfigureAwait(false);
        if (result.Succeeded)
        {
            if (IsAmbient(context, auth) && !OriginPolicy.Allows(context.Request, options.AllowedOrigins))
            {
                HubAuthLog.CrossOriginRefused(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HubAuthentication).FullName!), context.Request.Headers.Origin.ToString(), context.Request.Path);
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return (false, null);
            }

            return (true, result.Principal);
        }

        if (result.Failure is not null || auth.RequireUser)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return (false, null);
        }

        return (true, null);
    }

    /// <summary>
    /// True when the credentials are ones a browser attaches by itself. The built-in scheme says where it found the
    /// token; of another scheme only the request is known, so a cookie without an <c>Authorization</c> header counts.
    /// </summary>
    private static bool IsAmbient(HttpContext context, HubAuthOptions auth) =>
        auth.Scheme == Scheme
            ? context.Items.ContainsKey(FromCookie)
            : context.Request.Headers.Cookie.Count > 0 && string.IsNullOrEmpty(context.Request.Headers.Authorization);
}
