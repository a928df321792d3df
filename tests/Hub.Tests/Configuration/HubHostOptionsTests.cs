using Hub.Host;
using Hub.Host.Configuration;
using Hub.Tests.Support;
using Microsoft.Extensions.Options;

namespace Hub.Tests.Configuration;

public sealed class HubHostOptionsTests
{
    [Fact]
    public void Inbound_limits_default_to_the_documented_values()
    {
        var options = new HubHostOptions();

        Assert.Equal(256L * 1024 * 1024, options.MaxInboundBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MessageAssemblyTimeout);
        Assert.Equal(10_000, options.MaxConcurrentHttpRequests);
    }

    [Fact]
    public async Task Kestrel_reads_at_most_64_KiB_ahead_of_a_connection()
    {
        await using var app = HubHost.Build(["--urls", "http://127.0.0.1:0", "--Hub:Demo", "false"]);

        var sockets = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>>().Value;

        Assert.Equal(64 * 1024, sockets.MaxReadBufferSize);
    }

    [Fact]
    public async Task Inbound_budget_smaller_than_four_largest_messages_fails_at_startup()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync("--Hub:MaxMessageBytes", "1048576", "--Hub:MaxInboundBytes", "4194303"));

        Assert.Contains("MaxInboundBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assembly_timeout_of_zero_fails_at_startup()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync("--Hub:MessageAssemblyTimeout", "00:00:00"));

        Assert.Contains("MessageAssemblyTimeout", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Builds and starts a hub with <paramref name="settings"/>; the options are validated as the endpoints are mapped, or at start.</summary>
    private static async Task StartAsync(params string[] settings)
    {
        await using var app = HubHost.Build(["--urls", "http://127.0.0.1:0", "--Hub:Demo", "false", .. settings]);
        await app.StartAsync().WaitAsync(Waits.Max);
        await app.StopAsync().WaitAsync(Waits.Max);
    }
}
