using System.Net;
using Hub.Tests.Support;

namespace Hub.Tests.Integration;

/// <summary><c>/healthz</c> and <c>/readyz</c> on a started hub.</summary>
public sealed class HealthTests : IClassFixture<HubHostFixture>, IDisposable
{
    private readonly HttpClient _http;

    public HealthTests(HubHostFixture fixture) => _http = new HttpClient { BaseAddress = fixture.Hub.BaseUri, Timeout = Waits.Max };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Healthz_answers_200()
    {
        using var response = await _http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_on_a_started_hub_answers_200()
    {
        using var response = await _http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", await response.Content.ReadAsStringAsync());
    }
}
