using Akka.Configuration;
using Hub.Host.Configuration;

namespace Hub.Tests.Configuration;

public sealed class HubSettingsTests
{
    [Fact]
    public void Shipped_hocon_gives_the_documented_defaults()
    {
        var settings = HubSettings.Create(HubSettings.DefaultConfig());

        Assert.Equal(new HubSettings(), settings);
        Assert.Equal(64, settings.MaxDepth);
        Assert.Equal(100, settings.MaxBatch);
        Assert.Equal(256, settings.MaxInFlight);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.MethodTimeout);
        Assert.Equal(1000, settings.OutboundMaxMessages);
        Assert.Equal(8L * 1024 * 1024, settings.OutboundMaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ShutdownDeadline);
        Assert.Equal(".", settings.MethodSeparator);
        Assert.Equal(1000, settings.MaxSubscriptions);
        Assert.Equal(0, settings.RateLimitPerSecond);
        Assert.Equal(0, settings.RateLimitBurst);
    }

    [Fact]
    public void Keys_override_the_defaults()
    {
        var config = ConfigurationFactory.ParseString("hub { max-in-flight = 7, outbound.max-bytes = 64 KiB, method-timeout = 250ms, method-separator = \"__\" }")
            .WithFallback(HubSettings.DefaultConfig());

        var settings = HubSettings.Create(config);

        Assert.Equal(7, settings.MaxInFlight);
        Assert.Equal(64L * 1024, settings.OutboundMaxBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.MethodTimeout);
        Assert.Equal("__", settings.MethodSeparator);
    }

    [Fact]
    public void Coordinated_shutdown_leaves_a_downed_node_time_to_drain()
    {
        // The drain of a node the cluster downs runs in this phase; it takes up to the deadline plus 5 s.
        var drain = HubSettings.Create(HubSettings.DefaultConfig()).ShutdownDeadline + TimeSpan.FromSeconds(5);

        Assert.Equal(drain, HubConfig.ClusterHocon().GetTimeSpan("akka.coordinated-shutdown.phases.service-requests-done.timeout"));
    }
}
