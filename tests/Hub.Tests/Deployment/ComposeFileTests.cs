using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using Hub.Host;
using Hub.Host.Configuration;
using Microsoft.Extensions.Configuration;
using Hub.Tests.Support;

namespace Hub.Tests.Deployment;

/// <summary>
/// The deployment files agree with each other and with the host: docker-compose.yml, the Dockerfile,
/// deploy/haproxy.cfg and scripts/cluster.sh name the hub services, ports, paths and <c>HUB_*</c> variables the host
/// actually uses. Read as text (no Docker needed); the compose files through YamlDotNet
/// (<see cref="ComposeYaml"/>), the <c>HUB_*</c> variables through the host's own <see cref="HubEnvironment.Map"/>.
/// </summary>
public sealed class ComposeFileTests
{
    private const string ComposeFile = "docker-compose.yml";
    private const string ComposeTlsFile = "docker-compose.tls.yml";
    private const string BalancerFile = "deploy/haproxy.cfg";
    private const string BalancerConfigPath = "/usr/local/etc/haproxy/haproxy.cfg";
    private const string ClusterScript = "scripts/cluster.sh";
    private const string ClusterKeys = HubHostOptions.Section + ":Cluster:";
    private const string ClusterTlsKeys = ClusterKeys + "Tls:";

    private static readonly string[] RequiredClusterVariables = ["HUB_HOSTNAME", "HUB_PORT", "HUB_PUBLIC_HOSTNAME", "HUB_SEEDS"];
    private static readonly string[] ExpectedHubs = ["hub1", "hub2", "hub3"];
    private static readonly Lazy<string> Root = new(() => RepositoryRoot.Path);
    private static readonly Lazy<Dictionary<string, object?>> Compose = new(() => ComposeYaml.Parse(ReadText(ComposeFile)));
    private static readonly Lazy<List<HaproxySection>> Balancer = new(() => HaproxySection.Parse(ReadText(BalancerFile)));

    [Fact]
    public void Compose_services_are_three_hubs_and_a_load_balancer()
    {
        var names = Services().Keys.Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["hub1", "hub2", "hub3", "lb"], names);
        Assert.Equal(ExpectedHubs, HubServices().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compose_hub_services_set_every_cluster_variable()
    {
        foreach (var (name, service) in HubServices())
        {
            var environment = EnvironmentOf(name, service);

            foreach (var variable in RequiredClusterVariables)
            {
                Assert.True(environment.TryGetValue(variable, out var value) && !string.IsNullOrWhiteSpace(value), $"{name} does not set {variable}.");
            }
        }
    }

    [Fact]
    public void Compose_hub_services_publish_their_service_name_and_bind_all_addresses()
    {
        foreach (var (name, service) in HubServices())
        {
            var environment = EnvironmentOf(name, service);

            Assert.Equal(name, environment["HUB_PUBLIC_HOSTNAME"]);
            Assert.Equal("0.0.0.0", environment["HUB_HOSTNAME"]);
            Assert.True(int.TryParse(environment["HUB_PORT"], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536, $"{name}: HUB_PORT '{environment["HUB_PORT"]}' is not a port.");
        }
    }

    [Fact]
    public void Compose_seed_addresses_name_hub_services_on_their_cluster_ports()
    {
        var hubs = HubServices();
        foreach (var (name, service) in hubs)
        {
            var seeds = SeedsOf(EnvironmentOf(name, service));

            Assert.NotEmpty(seeds);
            foreach (var seed in seeds)
            {
                var match = Regex.Match(seed, @"^akka\.tcp://(?<system>[^@]+)@(?<host>[^:/]+):(?<port>\d+)$", RegexOptions.CultureInvariant);
                Assert.True(match.Success, $"{name}: seed '{seed}' is not akka.tcp://system@host:port.");
                Assert.Equal(HubServiceCollectionExtensions.ActorSystemName, match.Groups["system"].Value);
                var host = match.Groups["host"].Value;
                Assert.True(hubs.ContainsKey(host), $"{name}: seed '{seed}' names '{host}', which is not a hub service.");
                Assert.Equal(EnvironmentOf(host, hubs[host])["HUB_PORT"], match.Groups["port"].Value);
            }
        }
    }

    [Fact]
    public void Compose_seed_lists_agree_and_the_first_seed_lists_itself_first()
    {
        var hubs = HubServices();
        var lists = hubs.Select(pair => SeedsOf(EnvironmentOf(pair.Key, pair.Value))).ToList();
        var first = lists[0][0];
        var firstHost = Regex.Match(first, "@(?<host>[^:]+):", RegexOptions.CultureInvariant).Groups["host"].Value;

        // Every node must agree on who forms the cluster, or two nodes could each form one.
        Assert.All(lists, list => Assert.Equal(first, list[0]));
        Assert.True(hubs.ContainsKey(firstHost), $"The first seed '{first}' is not a hub service.");
        Assert.Equal(first, SeedsOf(EnvironmentOf(firstHost, hubs[firstHost]))[0]);
    }

    [Fact]
    public void Compose_hub_variables_are_cluster_variables_the_host_maps()
    {
        // Variables with a section (HUB_AUTH__SIGNING_KEY) are host options, checked to bind below.
        var used = HubServices().SelectMany(pair => EnvironmentOf(pair.Key, pair.Value).Keys)
            .Where(variable => variable.StartsWith("HUB_", StringComparison.Ordinal) && !variable.Contains("__", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        Assert.All(RequiredClusterVariables, variable => Assert.True(IsClusterVariable(variable), $"The host does not map {variable} to {ClusterKeys}*."));
        Assert.All(used, variable => Assert.True(IsClusterVariable(variable), $"The host does not map {variable} to {ClusterKeys}*."));
        foreach (var (name, service) in HubServices())
        {
            var environment = EnvironmentOf(name, service);
            var cluster = BindHostOptions(environment).Cluster;

            Assert.Equal(environment["HUB_HOSTNAME"], cluster.Hostname);
            Assert.Equal(environment["HUB_PUBLIC_HOSTNAME"], cluster.PublicHostname);
            Assert.Equal(environment["HUB_PORT"], cluster.Port.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(SeedsOf(environment), cluster.Seeds);
        }
    }

    [Fact]
    public void Compose_sectioned_variables_bind_to_host_options()
    {
        var sectioned = HubServices().SelectMany(pair => EnvironmentOf(pair.Key, pair.Value).Keys)
            .Where(variable => variable.StartsWith("HUB_", StringComparison.Ordinal) && variable.Contains("__", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var options = BindHostOptions(sectioned.ToDictionary(name => name, name => "value-of-" + name, StringComparer.Ordinal));

        Assert.Contains("HUB_AUTH__SIGNING_KEY", sectioned);
        Assert.Equal("value-of-HUB_AUTH__SIGNING_KEY", options.Auth.SigningKey);
    }

    [Fact]
    public void Compose_refuses_to_start_without_a_signing_key()
    {
        foreach (var (name, service) in HubServices())
        {
            var environment = EnvironmentOf(name, service);

            // "${VAR:?message}" makes docker compose stop with the message when VAR is unset or empty; an empty key
            // would leave each node with a development key of its own.
            Assert.True(environment.TryGetValue("HUB_AUTH__SIGNING_KEY", out var key), $"{name} does not set HUB_AUTH__SIGNING_KEY.");
            Assert.StartsWith("${HUB_SIGNING_KEY:?", key, StringComparison.Ordinal);
            Assert.EndsWith("}", key, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Cluster_script_sets_the_variables_compose_sets()
    {
        var script = ReadText(ClusterScript);
        var assigned = Regex.Matches(script, @"\b(?<name>HUB_[A-Z_]+)=", RegexOptions.CultureInvariant)
            .Select(match => match.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);
        var compose = HubServices().SelectMany(pair => EnvironmentOf(pair.Key, pair.Value).Keys)
            .Where(IsClusterVariable)
            .ToHashSet(StringComparer.Ordinal);

        // The script's own switches (HUB_CLUSTER_*) are kept out of the nodes' environment; anything else it sets
        // is a variable the host reads (the TLS certificate's path, made absolute, among them).
        var stray = assigned.Where(name => !IsClusterVariable(name) && !IsClusterTlsVariable(name) && !name.StartsWith("HUB_CLUSTER_", StringComparison.Ordinal)).ToList();
        Assert.Empty(stray);
        Assert.Equal(compose.Order(StringComparer.Ordinal), assigned.Where(IsClusterVariable).Order(StringComparer.Ordinal));
        Assert.Contains($"akka.tcp://{HubServiceCollectionExtensions.ActorSystemName}@", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_files_it_names_exist()
    {
        foreach (var (name, service) in Services())
        {
            if (service.TryGetValue("build", out var build))
            {
                var (context, dockerfile) = build switch
                {
                    string path => (path, "Dockerfile"),
                    Dictionary<string, object?> map => (Text(map, "context", name), map.TryGetValue("dockerfile", out var file) ? (string)file! : "Dockerfile"),
                    _ => throw new FormatException($"{name}: build is neither a path nor a mapping."),
                };
                Assert.True(File.Exists(Path.Combine(Root.Value, context, dockerfile)), $"{name}: {Path.Combine(context, dockerfile)} does not exist.");
            }

            foreach (var volume in ListOf(service, "volumes", name))
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith('.') || source.StartsWith('/'))
                {
                    Assert.True(File.Exists(Path.Combine(Root.Value, source)) || Directory.Exists(Path.Combine(Root.Value, source)), $"{name}: volume source {source} does not exist.");
                }
            }
        }
    }

    [Fact]
    public void Compose_load_balancer_mounts_the_haproxy_config_and_waits_for_healthy_hubs()
    {
        var lb = Services()["lb"];
        var dependsOn = Map(lb, "depends_on", "lb");

        Assert.Contains(ListOf(lb, "volumes", "lb"), volume => volume.StartsWith($"./{BalancerFile}:{BalancerConfigPath}", StringComparison.Ordinal));
        Assert.Equal(ExpectedHubs, dependsOn.Keys.Order(StringComparer.Ordinal));
        Assert.All(dependsOn.Values, condition => Assert.Equal("service_healthy", Text((Dictionary<string, object?>)condition!, "condition", "lb")));
    }

    [Fact]
    public void Compose_hub_healthchecks_ask_readyz_without_curl_or_wget()
    {
        var port = HubHttpPort();
        foreach (var (name, service) in HubServices())
        {
            var test = Map(service, "healthcheck", name)["test"] switch
            {
                string command => command,
                List<object?> parts => string.Join(' ', parts.Select(part => (string)part!)),
                _ => throw new FormatException($"{name}: healthcheck.test is neither a string nor a list."),
            };

            Assert.Contains("/readyz", test, StringComparison.Ordinal);
            Assert.Contains($"/{port}", test, StringComparison.Ordinal);
            Assert.Contains("200", test, StringComparison.Ordinal);
            // The aspnet runtime image has neither.
            Assert.DoesNotContain("curl", test, StringComparison.Ordinal);
            Assert.DoesNotContain("wget", test, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compose_hub_stop_grace_period_outlasts_the_drain_deadline()
    {
        var drain = HubSettings.Create(HubSettings.DefaultConfig()).ShutdownDeadline;
        foreach (var (name, service) in HubServices())
        {
            var grace = ComposeDuration(Text(service, "stop_grace_period", name));

            // The drain, then leaving the cluster and stopping the actor system.
            Assert.True(grace >= drain + TimeSpan.FromSeconds(5), $"{name}: stop_grace_period {grace} leaves no time past the drain deadline {drain}.");
        }
    }

    [Fact]
    public void Balancer_backend_lists_exactly_the_hub_services_on_their_http_port()
    {
        var frontend = Assert.Single(Balancer.Value, section => section.Kind == "frontend");
        var backendName = Assert.Single(frontend.Values("default_backend"));
        var backend = Assert.Single(Balancer.Value, section => section.Kind == "backend");
        var servers = backend.Values("server")
            .Select(value => Regex.Match(value, @"^(?<name>\S+)\s+(?<host>[^\s:]+):(?<port>\d+)", RegexOptions.CultureInvariant))
            .ToList();

        Assert.Equal(backend.Name, backendName);
        Assert.All(servers, server => Assert.True(server.Success, $"A server line of {BalancerFile} is not 'server NAME HOST:PORT'."));
        Assert.Equal(HubServices().Keys.Order(StringComparer.Ordinal), servers.Select(server => server.Groups["host"].Value).Order(StringComparer.Ordinal));
        Assert.All(servers, server => Assert.Equal(HubHttpPort(), server.Groups["port"].Value));
        Assert.Equal(["leastconn"], backend.Values("balance"));
    }

    [Fact]
    public void Balancer_passes_the_hub_paths_in_http_mode_and_keeps_websockets_longer_than_the_hub_keep_alive_timeout()
    {
        var defaults = Assert.Single(Balancer.Value, section => section.Kind == "defaults");
        var frontend = Assert.Single(Balancer.Value, section => section.Kind == "frontend");
        var tunnel = defaults.Values("timeout").Select(value => value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).SingleOrDefault(parts => parts[0] == "tunnel");

        // HTTP mode: WebSocket upgrades pass, and the access log can name the path alone.
        Assert.Equal(["http"], defaults.Values("mode"));
        Assert.Contains(frontend.Values("acl"), acl => acl.Contains("path /rpc /healthz /readyz", StringComparison.Ordinal));
        Assert.True(tunnel is { Length: 2 }, $"{BalancerFile} sets no 'timeout tunnel' (an upgraded WebSocket would get the client and server timeouts).");
        Assert.True(HaproxyDuration(tunnel[1]) > new HubHostOptions().KeepAliveTimeout, $"timeout tunnel {tunnel[1]} must exceed the hub's keep-alive timeout.");
    }

    [Fact]
    public void Balancer_re_resolves_node_names_and_sends_traffic_only_to_ready_nodes()
    {
        var resolvers = Assert.Single(Balancer.Value, section => section.Kind == "resolvers");
        var backend = Assert.Single(Balancer.Value, section => section.Kind == "backend");
        var serverOptions = backend.Values("default-server").Concat(backend.Values("server")).ToList();

        // A recreated node comes back with another address: HAProxy must ask Docker's DNS again, not keep the first.
        Assert.Contains("parse-resolv-conf", resolvers.Lines);
        Assert.Contains(serverOptions, options => Regex.IsMatch(options, $@"\bresolvers\s+{Regex.Escape(resolvers.Name)}\b", RegexOptions.CultureInvariant));
        Assert.Contains(serverOptions, options => Regex.IsMatch(options, @"(^|\s)check(\s|$)", RegexOptions.CultureInvariant));
        Assert.Contains(backend.Values("http-check"), check => check.StartsWith("send meth GET uri /readyz", StringComparison.Ordinal));
        Assert.Contains("expect status 200", backend.Values("http-check"));
    }

    [Fact]
    public void Balancer_access_log_writes_the_path_without_the_query_string()
    {
        var options = Balancer.Value.SelectMany(section => section.Values("option")).ToList();
        var formats = Balancer.Value.SelectMany(section => section.Values("log-format").Concat(section.Values("error-log-format"))).ToList();
        var captures = Balancer.Value.SelectMany(section => section.Values("capture")).ToList();

        // "option httplog" (and its kin) would replace the format with one whose %r, the request line, holds the query,
        // and so the access_token a browser's WebSocket sends there.
        Assert.DoesNotContain(options, option => option is "httplog" or "httpslog" or "tcplog" || option.StartsWith("httplog ", StringComparison.Ordinal));
        Assert.Empty(captures);
        var format = Assert.Single(formats);
        var variables = Regex.Matches(format, @"%(\{[^}]*\})?(?<name>[A-Za-z]+)", RegexOptions.CultureInvariant).Select(match => match.Groups["name"].Value).ToList();
        var leaking = variables.Where(variable => variable is "r" or "HU" or "HQ" or "hr" or "hrl" or "CC" or "CS").ToList();
        Assert.True(leaking.Count == 0, $"log-format writes %{string.Join(", %", leaking)}, which can hold a token.");
        // No sample expression (%[query], %[url], %[capture.req.uri], ...): any of them can reach the query.
        Assert.DoesNotContain("%[", format, StringComparison.Ordinal);
        Assert.Contains("HPO", variables);
    }

    [Fact]
    public void Dockerfile_takes_its_dotnet_images_from_the_build_argument_compose_passes()
    {
        var dockerfile = ReadText("Dockerfile");
        var froms = Regex.Matches(dockerfile, @"^FROM\s+(?<image>\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant).Select(match => match.Groups["image"].Value).ToList();

        // Unset or empty: the official images; scripts/compose-test.sh passes its local stand-ins.
        Assert.Matches(@"(?m)^ARG DOTNET_IMAGES\s*$", dockerfile);
        Assert.Equal(2, froms.Count);
        Assert.All(froms, image => Assert.StartsWith("${DOTNET_IMAGES:-", image, StringComparison.Ordinal));
        Assert.EndsWith("}/sdk:10.0", froms[0], StringComparison.Ordinal);
        Assert.EndsWith("}/aspnet:10.0", froms[1], StringComparison.Ordinal);
        foreach (var (name, service) in HubServices())
        {
            var build = Map(service, "build", name);
            Assert.Equal("${HUB_DOTNET_IMAGES:-}", Text(Map(build, "args", name), "DOTNET_IMAGES", name));
        }

        Assert.StartsWith("${HUB_LB_IMAGE:-haproxy:", Text(Services()["lb"], "image", "lb"), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_hubs_sit_only_on_an_internal_network_and_publish_no_port()
    {
        var networks = Map(Compose.Value, "networks", ComposeFile);
        var internalNetworks = networks.Where(pair => pair.Value is Dictionary<string, object?> settings && settings.GetValueOrDefault("internal") as string == "true")
            .Select(pair => pair.Key)
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(internalNetworks);
        foreach (var (name, service) in HubServices())
        {
            // The cluster port (4053) trusts its peers: nothing outside the internal network may reach it.
            Assert.False(service.ContainsKey("ports"), $"{name} publishes ports.");
            Assert.False(service.ContainsKey("expose"), $"{name} exposes ports.");
            var joined = ListOf(service, "networks", name);
            Assert.NotEmpty(joined);
            Assert.All(joined, network => Assert.Contains(network, internalNetworks));
        }
    }

    [Fact]
    public void Compose_load_balancer_alone_joins_both_the_internal_and_a_published_network()
    {
        var networks = Map(Compose.Value, "networks", ComposeFile);
        var lb = Services()["lb"];
        var joined = ListOf(lb, "networks", "lb");

        Assert.Contains(joined, network => networks[network] is Dictionary<string, object?> settings && settings.GetValueOrDefault("internal") as string == "true");
        Assert.Contains(joined, network => networks[network] is not Dictionary<string, object?> settings || settings.GetValueOrDefault("internal") as string != "true");
        Assert.NotEmpty(ListOf(lb, "ports", "lb"));
    }

    [Fact]
    public void Compose_tls_override_gives_every_hub_the_certificate_secret_through_mapped_variables()
    {
        var overrides = ComposeYaml.Parse(ReadText(ComposeTlsFile));
        var services = (Dictionary<string, object?>)overrides["services"]!;
        var secrets = Map(overrides, "secrets", ComposeTlsFile);
        var secret = Assert.Single(secrets);
        var mapped = HubEnvironment.Map(new Hashtable { ["HUB_TLS_CERTIFICATE_PATH"] = "x", ["HUB_TLS_CERTIFICATE_PASSWORD"] = "y" })
            .Select(pair => pair.Key)
            .ToList();

        Assert.Equal(ExpectedHubs, services.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Hub:Cluster:Tls:CertificatePassword", "Hub:Cluster:Tls:CertificatePath"], mapped.Order(StringComparer.Ordinal));
        foreach (var (name, value) in services)
        {
            var service = (Dictionary<string, object?>)value!;
            var environment = EnvironmentOf(name, service);

            Assert.Equal([secret.Key], ListOf(service, "secrets", name));
            Assert.Equal("/run/secrets/" + secret.Key, environment["HUB_TLS_CERTIFICATE_PATH"]);
            Assert.True(environment.ContainsKey("HUB_TLS_CERTIFICATE_PASSWORD"), $"{name} passes no certificate password.");
        }
    }

    [Fact]
    public void Compose_reader_gives_mappings_lists_and_scalar_text_with_empty_values_null()
    {
        const string Yaml = """
            # comment
            services:
              a:
                environment:
                  KEY: "quoted # not a comment"
                  OTHER: 'it''s'   # comment
                list:
                  - one
                  - "two: 2"
                flow: [x, 'y, z']
                empty:
                flag: true
                port: 4053
              b: plain value
            """;

        var document = ComposeYaml.Parse(Yaml);
        var services = (Dictionary<string, object?>)document["services"]!;
        var a = (Dictionary<string, object?>)services["a"]!;
        var environment = (Dictionary<string, object?>)a["environment"]!;

        Assert.Equal("quoted # not a comment", environment["KEY"]);
        Assert.Equal("it's", environment["OTHER"]);
        Assert.Equal(["one", "two: 2"], (List<object?>)a["list"]!);
        Assert.Equal(["x", "y, z"], (List<object?>)a["flow"]!);
        Assert.Null(a["empty"]);
        Assert.Equal("true", a["flag"]);
        Assert.Equal("4053", a["port"]);
        Assert.Equal("plain value", services["b"]);
    }

    private static Dictionary<string, Dictionary<string, object?>> Services() =>
        ((Dictionary<string, object?>?)Compose.Value.GetValueOrDefault("services") ?? throw new FormatException($"{ComposeFile} has no services."))
            .ToDictionary(pair => pair.Key, pair => pair.Value as Dictionary<string, object?> ?? throw new FormatException($"Service {pair.Key} is not a mapping."), StringComparer.Ordinal);

    /// <summary>The services that run a hub node: those named hub followed by a number.</summary>
    private static Dictionary<string, Dictionary<string, object?>> HubServices() =>
        Services().Where(pair => Regex.IsMatch(pair.Key, @"^hub\d+$", RegexOptions.CultureInvariant))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    /// <summary>A service's environment, in mapping form (<c>KEY: value</c>) or list form (<c>- KEY=value</c>).</summary>
    private static Dictionary<string, string> EnvironmentOf(string name, Dictionary<string, object?> service) =>
        service.GetValueOrDefault("environment") switch
        {
            Dictionary<string, object?> map => map.ToDictionary(pair => pair.Key, pair => (string?)pair.Value ?? string.Empty, StringComparer.Ordinal),
            List<object?> list => list.Select(item => ((string)item!).Split('=', 2)).ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : string.Empty, StringComparer.Ordinal),
            null => new Dictionary<string, string>(StringComparer.Ordinal),
            _ => throw new FormatException($"{name}: environment is neither a mapping nor a list."),
        };

    private static List<string> SeedsOf(Dictionary<string, string> environment) =>
        [.. environment.GetValueOrDefault("HUB_SEEDS", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The configuration keys the host maps <paramref name="variable"/> to (a list value, so list settings show).</summary>
    private static List<string> ConfigurationKeysOf(string variable) =>
        [.. HubEnvironment.Map(new Hashtable { [variable] = "a,b" }).Select(pair => pair.Key)];

    /// <summary>Whether the host maps <paramref name="variable"/> to its cluster settings, TLS aside (<c>HUB_SEEDS</c>).</summary>
    private static bool IsClusterVariable(string variable) =>
        ConfigurationKeysOf(variable) is { Count: > 0 } keys
        && keys.All(key => key.StartsWith(ClusterKeys, StringComparison.Ordinal) && !key.StartsWith(ClusterTlsKeys, StringComparison.Ordinal));

    /// <summary>Whether the host maps <paramref name="variable"/> to its cluster TLS settings (<c>HUB_TLS_CERTIFICATE_PATH</c>).</summary>
    private static bool IsClusterTlsVariable(string variable) =>
        ConfigurationKeysOf(variable) is { Count: > 0 } keys && keys.All(key => key.StartsWith(ClusterTlsKeys, StringComparison.Ordinal));

    /// <summary>The host options <paramref name="environment"/> sets, through the host's own mapping and binding.</summary>
    private static HubHostOptions BindHostOptions(Dictionary<string, string> environment)
    {
        var options = new HubHostOptions();
        new ConfigurationBuilder()
            .AddInMemoryCollection(HubEnvironment.Map(new Hashtable(environment)))
            .Build()
            .GetSection(HubHostOptions.Section)
            .Bind(options);
        return options;
    }

    /// <summary>The port the hubs serve HTTP on: the compose environment's ASPNETCORE_URLS, else the Dockerfile's.</summary>
    private static string HubHttpPort()
    {
        var urls = HubServices().Select(pair => EnvironmentOf(pair.Key, pair.Value).GetValueOrDefault("ASPNETCORE_URLS")).FirstOrDefault(url => url is not null)
            ?? Regex.Match(ReadText("Dockerfile"), @"ASPNETCORE_URLS=(?<urls>\S+)", RegexOptions.CultureInvariant).Groups["urls"].Value;
        var port = Regex.Match(urls, @":(?<port>\d+)/?(;|$)", RegexOptions.CultureInvariant);
        Assert.True(port.Success, $"No port in ASPNETCORE_URLS '{urls}'.");
        return port.Groups["port"].Value;
    }

    private static Dictionary<string, object?> Map(Dictionary<string, object?> parent, string key, string where) =>
        parent.GetValueOrDefault(key) as Dictionary<string, object?> ?? throw new FormatException($"{where}: {key} is missing or not a mapping.");

    private static List<string> ListOf(Dictionary<string, object?> parent, string key, string where) =>
        parent.GetValueOrDefault(key) switch
        {
            null => [],
            List<object?> list => [.. list.Select(item => item as string ?? throw new FormatException($"{where}: {key} holds a non-scalar entry."))],
            _ => throw new FormatException($"{where}: {key} is not a list."),
        };

    private static string Text(Dictionary<string, object?> parent, string key, string where) =>
        parent.GetValueOrDefault(key) as string ?? throw new FormatException($"{where}: {key} is missing or not a scalar.");

    /// <summary>A compose duration: <c>20s</c>, <c>1m30s</c>, <c>500ms</c>.</summary>
    private static TimeSpan ComposeDuration(string text)
    {
        var parts = Regex.Matches(text, @"(?<value>\d+(\.\d+)?)(?<unit>h|ms|us|m|s)", RegexOptions.CultureInvariant);
        Assert.True(parts.Count > 0 && string.Concat(parts.Select(part => part.Value)) == text, $"'{text}' is not a duration.");
        return parts.Aggregate(TimeSpan.Zero, (total, part) =>
        {
            var value = double.Parse(part.Groups["value"].Value, CultureInfo.InvariantCulture);
            return total + part.Groups["unit"].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                "ms" => TimeSpan.FromMilliseconds(value),
                _ => TimeSpan.FromMicroseconds(value),
            };
        });
    }

    /// <summary>An HAProxy time: milliseconds when bare, or units like <c>120s</c>, <c>2m</c>, <c>500ms</c>.</summary>
    private static TimeSpan HaproxyDuration(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        return ComposeDuration(text);
    }

    private static string ReadText(string relativePath)
    {
        var path = Path.Combine(Root.Value, relativePath);
        Assert.True(File.Exists(path), $"{relativePath} does not exist at the repository root {Root.Value}.");
        return File.ReadAllText(path);
    }
}
