using Hub.Cluster;
using Hub.Host.Configuration;
using Hub.Tests.Support;

namespace Hub.Tests.Cluster;

/// <summary>Akka.Remote's frame limit follows <c>Hub:MaxMessageBytes</c> unless set explicitly; one place derives it.</summary>
[Collection(nameof(ClusterCollectionDefinition))]
public sealed class ClusterFrameTests
{
    private const string FrameKey = "akka.remote.dot-netty.tcp.maximum-frame-size";

    [Fact]
    public void Frame_for_the_default_message_limit_is_five_times_it_plus_256_KiB()
    {
        Assert.Equal(5_505_024, HubConfig.ClusterFrameBytes(1024 * 1024));
    }

    [Fact]
    public void Frame_for_the_largest_message_limit_is_capped_at_what_DotNetty_takes()
    {
        Assert.Equal(int.MaxValue, HubConfig.ClusterFrameBytes(1L << 30));
    }

    [Fact]
    public async Task Node_with_default_settings_uses_the_derived_frame_and_carries_it_less_the_envelope_reserve()
    {
        await using var hub = await TestHub.StartAsync();

        var config = hub.Runtime.System.Settings.Config;

        Assert.Equal(5_505_024, config.GetByteSize(FrameKey));
        Assert.Equal(5_505_024 - ClusterPayload.EnvelopeReserveBytes, ClusterPayload.For(hub.Runtime.System).Limit);
    }

    [Fact]
    public async Task Node_with_a_raised_message_limit_raises_its_frame()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:MaxMessageBytes"] = "4194304" });

        Assert.Equal(HubConfig.ClusterFrameBytes(4_194_304), hub.Runtime.System.Settings.Config.GetByteSize(FrameKey));
    }

    [Fact]
    public async Task Frame_set_explicitly_in_akka_hocon_wins_over_the_derived_one()
    {
        await using var hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub:Akka:Hocon"] = FrameKey + " = 300000b" });

        Assert.Equal(300_000, hub.Runtime.System.Settings.Config.GetByteSize(FrameKey));
    }

    [Fact]
    public void Gossip_carries_one_replicated_entry_per_message()
    {
        Assert.Equal(1, HubConfig.ClusterHocon().GetInt("akka.cluster.distributed-data.max-delta-elements"));
    }
}
