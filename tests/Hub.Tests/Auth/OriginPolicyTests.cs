using Hub.Host;
using Hub.Host.Auth;
using Hub.Host.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Hub.Tests.Auth;

/// <summary>How a request's <c>Origin</c> is matched against the hub's own origin and <c>Hub:AllowedOrigins</c>.</summary>
public sealed class OriginPolicyTests
{
    [Theory]
    [InlineData("http", "hub.example", "http://hub.example")]
    [InlineData("http", "hub.example:80", "http://hub.example")]
    [InlineData("https", "hub.example", "https://hub.example:443")]
    [InlineData("http", "Hub.Example:8080", "http://hub.example:8080")]
    [InlineData("http", "[::1]:8080", "http://[::1]:8080")]
    public void Origin_of_the_requests_own_scheme_host_and_port_is_allowed(string scheme, string host, string origin)
    {
        Assert.True(OriginPolicy.Allows(Request(scheme, host, origin), []));
    }

    [Theory]
    [InlineData("http", "hub.example:8080", "http://hub.example")]
    [InlineData("http", "hub.example", "https://hub.example")]
    [InlineData("http", "hub.example", "http://hub.example.evil.example")]
    [InlineData("http", "hub.example", "null")]
    [InlineData("http", "hub.example", "not an origin")]
    public void Origin_differing_in_scheme_host_or_port_is_refused(string scheme, string host, string origin)
    {
        Assert.False(OriginPolicy.Allows(Request(scheme, host, origin), []));
    }

    [Theory]
    [InlineData("https://app.example", "https://app.example")]
    [InlineData("https://app.example/", "https://app.example")]
    [InlineData("https://APP.example:443", "https://app.example")]
    [InlineData("http://localhost:5173", "http://localhost:5173")]
    [InlineData("*", "https://anything.example")]
    [InlineData("*", "null")]
    public void Origin_listed_in_allowed_origins_is_allowed(string entry, string origin)
    {
        Assert.True(OriginPolicy.Allows(Request("http", "hub.example", origin), [entry]));
    }

    [Fact]
    public void Request_without_an_origin_is_allowed()
    {
        Assert.True(OriginPolicy.Allows(Request("http", "hub.example", origin: null), []));
    }

    [Theory]
    [InlineData("app.example")]
    [InlineData("https://app.example/path")]
    [InlineData("ftp://app.example")]
    [InlineData("https://user@app.example")]
    [InlineData("https://*.example")]
    [InlineData("")]
    public void Allowed_origins_entry_that_is_not_an_origin_fails_validation(string entry)
    {
        var options = new HubHostOptions { AllowedOrigins = [entry] };

        var result = new DataAnnotationValidateOptions<HubHostOptions>(null).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("AllowedOrigins", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_with_a_bad_allowed_origin_is_refused_when_built()
    {
        var error = Assert.Throws<OptionsValidationException>(() => HubHost.Build(["--urls", "http://127.0.0.1:0", "--Hub:AllowedOrigins:0", "app.example"]));

        Assert.Contains("'app.example'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowed_origins_default_to_none()
    {
        Assert.Empty(new HubHostOptions().AllowedOrigins);
    }

    private static HttpRequest Request(string scheme, string host, string? origin)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        return context.Request;
    }
}
