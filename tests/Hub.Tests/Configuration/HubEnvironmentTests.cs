using System.Collections;
using Hub.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Hub.Tests.Configuration;

public sealed class HubEnvironmentTests
{
    [Fact]
    public void Flat_variables_map_to_host_options()
    {
        var mapped = Map(new Hashtable { ["HUB_MAX_MESSAGE_BYTES"] = "65536", ["HUB_DEMO"] = "false", ["HUB_PATH"] = "/jsonrpc", ["OTHER"] = "x" });

        Assert.Equal("65536", mapped["Hub:MaxMessageBytes"]);
        Assert.Equal("false", mapped["Hub:Demo"]);
        Assert.Equal("/jsonrpc", mapped["Hub:Path"]);
        Assert.Equal(3, mapped.Count);
    }

    [Fact]
    public void Cluster_variables_map_to_cluster_options_with_lists_split_on_commas()
    {
        var mapped = Map(new Hashtable { ["HUB_HOSTNAME"] = "0.0.0.0", ["HUB_PORT"] = "4053", ["HUB_SEEDS"] = "akka.tcp://hub@a:4053, akka.tcp://hub@b:4053" });

        Assert.Equal("0.0.0.0", mapped["Hub:Cluster:Hostname"]);
        Assert.Equal("4053", mapped["Hub:Cluster:Port"]);
        Assert.Equal("akka.tcp://hub@a:4053", mapped["Hub:Cluster:Seeds:0"]);
        Assert.Equal("akka.tcp://hub@b:4053", mapped["Hub:Cluster:Seeds:1"]);
    }

    [Fact]
    public void Allowed_origins_variable_maps_to_a_list_split_on_commas()
    {
        var mapped = Map(new Hashtable { ["HUB_ALLOWED_ORIGINS"] = "https://app.example, http://localhost:5173" });

        Assert.Equal("https://app.example", mapped["Hub:AllowedOrigins:0"]);
        Assert.Equal("http://localhost:5173", mapped["Hub:AllowedOrigins:1"]);
        Assert.Equal(2, mapped.Count);
    }

    [Fact]
    public void Double_underscores_nest_sections()
    {
        var mapped = Map(new Hashtable { ["HUB_AUTH__SIGNING_KEY"] = "k", ["HUB_AUTH__REQUIRE_USER"] = "true" });

        Assert.Equal("k", mapped["Hub:Auth:SigningKey"]);
        Assert.Equal("true", mapped["Hub:Auth:RequireUser"]);
    }

    [Fact]
    public void Engine_variables_map_to_kebab_case_hocon_keys()
    {
        var mapped = Map(new Hashtable { ["HUB_ENGINE__MAX_IN_FLIGHT"] = "512", ["HUB_ENGINE__OUTBOUND__MAX_MESSAGES"] = "5000" });

        Assert.Equal("512", mapped["Hub:Engine:max-in-flight"]);
        Assert.Equal("5000", mapped["Hub:Engine:outbound:max-messages"]);
    }

    [Fact]
    public void Mapped_engine_keys_become_hocon_over_the_defaults()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(HubEnvironment.Map(new Hashtable { ["HUB_ENGINE__OUTBOUND__MAX_MESSAGES"] = "5000", ["HUB_ENGINE__METHOD_TIMEOUT"] = "5s" }))
            .Build();

        var settings = HubSettings.Create(HubConfig.Overrides(configuration).WithFallback(HubSettings.DefaultConfig()));

        Assert.Equal(5000, settings.OutboundMaxMessages);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.MethodTimeout);
    }

    [Fact]
    public void Akka_hocon_from_configuration_wins_over_cluster_hocon()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(HubEnvironment.Map(new Hashtable { ["HUB_AKKA__HOCON"] = "akka.cluster.split-brain-resolver.stable-after = 5s" }))
            .Build();

        var config = HubConfig.Overrides(configuration).WithFallback(HubConfig.ClusterHocon());

        Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
    }

    private static Dictionary<string, string?> Map(Hashtable variables) =>
        HubEnvironment.Map(variables).ToDictionary(kv => kv.Key, kv => kv.Value);
}
