using Hub.Host.Auth;
using Hub.Host.Configuration;

namespace Hub.Tests.Auth;

/// <summary>Tokens for the test hubs, signed with a test key (never the development key).</summary>
public static class Tokens
{
    public const string Key = "test-signing-key-for-hub-tests-0123456789abcdef";

    public static Dictionary<string, string?> Settings(bool requireUser = false) => new()
    {
        ["Hub:Auth:SigningKey"] = Key,
        ["Hub:Auth:RequireUser"] = requireUser ? "true" : "false",
    };

    public static string For(string user, string[]? permissions = null, bool superuser = false, TimeSpan? lifetime = null, string key = Key, string audience = "hub") =>
        HubJwt.CreateToken(new HubAuthOptions { SigningKey = key, Audience = audience }, user, permissions ?? [], [], superuser, lifetime ?? TimeSpan.FromHours(1));
}
