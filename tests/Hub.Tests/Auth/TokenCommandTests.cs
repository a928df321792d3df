using Hub.Auth;
using Hub.Host.Auth;
using Hub.Host.Configuration;

namespace Hub.Tests.Auth;

public sealed class TokenCommandTests
{
    [Fact]
    public async Task Token_command_prints_a_token_the_host_accepts_with_its_claims()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = TokenCommand.Run(["--user", "alice", "--permission", "foo", "--permission", "bar", "--superuser", "--expires", "2h", "--Hub:Auth:SigningKey", Tokens.Key], output, error);
        var principal = await new JwtHubAuthenticator(HubJwt.ValidationParameters(new HubAuthOptions { SigningKey = Tokens.Key }))
            .AuthenticateAsync(output.ToString().Trim(), CancellationToken.None);
        var user = new HubUser(principal!);

        Assert.Equal(0, exit);
        Assert.Equal("alice", user.Name);
        Assert.Equal(["bar", "foo"], user.Permissions);
        Assert.True(user.IsSuperuser);
        Assert.InRange(user.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(119), DateTimeOffset.UtcNow.AddMinutes(121));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void Token_command_without_a_key_warns_that_it_uses_the_development_key()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = TokenCommand.Run(["--user", "bob"], output, error);

        Assert.Equal(0, exit);
        Assert.Contains("development key", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Token_command_without_a_user_prints_usage_and_fails()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, TokenCommand.Run([], output, error));
        Assert.Contains("usage", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 172800)]
    [InlineData("01:00:00", 3600)]
    public void Lifetimes_read_with_units(string text, int seconds)
    {
        Assert.True(TokenCommand.TryParseLifetime(text, out var lifetime));
        Assert.Equal(TimeSpan.FromSeconds(seconds), lifetime);
    }

    [Fact]
    public void Signing_key_shorter_than_32_bytes_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => HubJwt.SigningKey(new HubAuthOptions { SigningKey = "short" }));
    }
}
