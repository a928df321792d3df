using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Hub.Host;
using Hub.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Hub.Tests.Cluster;

/// <summary>
/// The deployment files agree with each other and with the host: docker-compose.yml, the Dockerfile,
/// deploy/nginx.conf and scripts/cluster.sh name the hub services, ports, paths and <c>HUB_*</c> variables the host
/// actually uses. Read as text (no Docker needed); the compose file through <see cref="MiniYaml"/>.
/// </summary>
public sealed class ComposeFileTests
{
    private const string ComposeFile = "docker-compose.yml";
    private const string ComposeTlsFile = "docker-compose.tls.yml";
    private const string NginxFile = "deploy/nginx.conf";
    private const string ClusterScript = "scripts/cluster.sh";
    private const string EnvironmentSource = "src/Hub.Host/Configuration/HubEnvironment.cs";

    private static readonly string[] RequiredClusterVariables = ["HUB_HOSTNAME", "HUB_PORT", "HUB_PUBLIC_HOSTNAME", "HUB_SEEDS"];
    private static readonly string[] ExpectedHubs = ["hub1", "hub2", "hub3"];
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);
    private static readonly Lazy<Dictionary<string, object?>> Compose = new(() => MiniYaml.Parse(ReadText(ComposeFile)));
    private static readonly Lazy<string> Nginx = new(() => StripNginxComments(ReadText(NginxFile)));

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
        var mapped = MappedClusterVariables();
        // Variables with a section (HUB_AUTH__SIGNING_KEY) are host options, checked to bind below.
        var used = HubServices().SelectMany(pair => EnvironmentOf(pair.Key, pair.Value).Keys)
            .Where(variable => variable.StartsWith("HUB_", StringComparison.Ordinal) && !variable.Contains("__", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Superset(RequiredClusterVariables.ToHashSet(StringComparer.Ordinal), mapped);
        Assert.Subset(mapped, used);
    }

    [Fact]
    public void Compose_sectioned_variables_bind_to_host_options()
    {
        var sectioned = HubServices().SelectMany(pair => EnvironmentOf(pair.Key, pair.Value).Keys)
            .Where(variable => variable.StartsWith("HUB_", StringComparison.Ordinal) && variable.Contains("__", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var variables = new System.Collections.Hashtable();
        foreach (var name in sectioned)
        {
            variables[name] = "value-of-" + name;
        }

        var options = new HubHostOptions();
        new ConfigurationBuilder()
            .AddInMemoryCollection(HubEnvironment.Map(variables))
            .Build()
            .GetSection(HubHostOptions.Section)
            .Bind(options);

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
        var mapped = MappedClusterVariables();
        var assigned = Regex.Matches(script, @"\b(?<name>HUB_[A-Z_]+)=", RegexOptions.CultureInvariant)
            .Select(match => match.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);
        var compose = HubServices().SelectMany(pair => EnvironmentOf(pair.Key, pair.Value).Keys)
            .Where(mapped.Contains)
            .ToHashSet(StringComparer.Ordinal);

        // The script's own switches (HUB_CLUSTER_*) are kept out of the nodes' environment; anything else it sets
        // is a variable the host reads (the TLS certificate's path, made absolute, among them).
        var stray = assigned.Where(name => !mapped.Contains(name) && !MappedTlsVariables().Contains(name) && !name.StartsWith("HUB_CLUSTER_", StringComparison.Ordinal)).ToList();
        Assert.Empty(stray);
        Assert.Equal(compose.Order(StringComparer.Ordinal), assigned.Where(mapped.Contains).Order(StringComparer.Ordinal));
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
    public void Compose_load_balancer_mounts_the_nginx_config_and_waits_for_healthy_hubs()
    {
        var lb = Services()["lb"];
        var dependsOn = Map(lb, "depends_on", "lb");

        Assert.Contains(ListOf(lb, "volumes", "lb"), volume => volume.StartsWith($"./{NginxFile}:/etc/nginx/", StringComparison.Ordinal));
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
    public void Nginx_upstream_lists_exactly_the_hub_services_on_their_http_port()
    {
        var upstreams = Regex.Matches(Nginx.Value, @"\bupstream\s+(?<name>[\w.-]+)\s*\{(?<body>[^}]*)\}", RegexOptions.CultureInvariant);
        var upstream = Assert.Single(upstreams);
        var servers = Regex.Matches(upstream.Groups["body"].Value, @"^\s*server\s+(?<host>[^\s:;]+):(?<port>\d+)[^;]*;", RegexOptions.Multiline | RegexOptions.CultureInvariant)
            .Select(match => (Host: match.Groups["host"].Value, Port: match.Groups["port"].Value))
            .ToList();
        var proxied = Regex.Matches(Nginx.Value, @"\bproxy_pass\s+http://(?<name>[\w.-]+)\s*;", RegexOptions.CultureInvariant)
            .Select(match => match.Groups["name"].Value)
            .ToList();

        Assert.Equal(HubServices().Keys.Order(StringComparer.Ordinal), servers.Select(server => server.Host).Order(StringComparer.Ordinal));
        Assert.All(servers, server => Assert.Equal(HubHttpPort(), server.Port));
        Assert.NotEmpty(proxied);
        Assert.All(proxied, name => Assert.Equal(upstream.Groups["name"].Value, name));
    }

    [Fact]
    public void Nginx_proxies_rpc_websockets_longer_than_the_hub_keep_alive_timeout()
    {
        var nginx = Nginx.Value;
        var readTimeout = Regex.Match(nginx, @"\bproxy_read_timeout\s+(?<value>\w+)\s*;", RegexOptions.CultureInvariant);

        Assert.Matches(@"location\s+=?\s*/rpc\s*\{", nginx);
        Assert.Matches(@"location\s+=?\s*/readyz\s*\{", nginx);
        Assert.Matches(@"location\s+=?\s*/healthz\s*\{", nginx);
        Assert.Matches(@"\bproxy_http_version\s+1\.1\s*;", nginx);
        Assert.Matches(@"\bproxy_set_header\s+Upgrade\s+\$http_upgrade\s*;", nginx);
        Assert.Matches(@"\bproxy_set_header\s+Connection\s+\$connection_upgrade\s*;", nginx);
        Assert.Matches(@"\bmap\s+\$http_upgrade\s+\$connection_upgrade\s*\{", nginx);
        Assert.True(readTimeout.Success, "nginx.conf sets no proxy_read_timeout (the default, 60 s, cuts idle WebSockets).");
        Assert.True(NginxDuration(readTimeout.Groups["value"].Value) > new HubHostOptions().KeepAliveTimeout, $"proxy_read_timeout {readTimeout.Groups["value"].Value} must exceed the hub's keep-alive timeout.");
    }

    [Fact]
    public void Nginx_access_log_writes_the_path_without_the_query_string()
    {
        var nginx = Nginx.Value;
        var formats = Regex.Matches(nginx, @"\blog_format\s+(?<name>[\w-]+)\s+(?<body>[^;]*);", RegexOptions.CultureInvariant)
            .ToDictionary(match => match.Groups["name"].Value, match => match.Groups["body"].Value, StringComparer.Ordinal);
        var logs = Regex.Matches(nginx, @"\baccess_log\s+(?<args>[^;]*);", RegexOptions.CultureInvariant)
            .Select(match => match.Groups["args"].Value.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
            .ToList();

        // Without an access_log line nginx writes its "combined" format, whose $request holds the query, and so
        // the access_token a browser's WebSocket sends there.
        Assert.NotEmpty(logs);
        foreach (var args in logs)
        {
            if (args is ["off"])
            {
                continue;
            }

            Assert.True(args.Length >= 2 && formats.ContainsKey(args[1]), $"access_log {string.Join(' ', args)} does not name a log_format of this file (nginx's default, combined, logs the query).");
        }

        Assert.NotEmpty(formats);
        foreach (var (name, body) in formats)
        {
            var variables = Regex.Matches(body, @"\$\{?(?<name>\w+)", RegexOptions.CultureInvariant).Select(match => match.Groups["name"].Value).ToList();
            var leaking = variables.Where(variable => variable is "request" or "request_uri" or "args" or "query_string" or "is_args" or "http_referer" or "http_cookie" or "http_authorization"
                || variable.StartsWith("arg_", StringComparison.Ordinal) || variable.StartsWith("cookie_", StringComparison.Ordinal)).ToList();
            Assert.True(leaking.Count == 0, $"log_format {name} writes ${string.Join(", $", leaking)}, which can hold a token.");
            Assert.Contains("uri", variables);
        }
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
        var overrides = MiniYaml.Parse(ReadText(ComposeTlsFile));
        var services = (Dictionary<string, object?>)overrides["services"]!;
        var secrets = Map(overrides, "secrets", ComposeTlsFile);
        var secret = Assert.Single(secrets);
        var mapped = HubEnvironment.Map(new System.Collections.Hashtable { ["HUB_TLS_CERTIFICATE_PATH"] = "x", ["HUB_TLS_CERTIFICATE_PASSWORD"] = "y" })
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
    public void Compose_reader_reads_nested_mappings_lists_and_quoted_scalars()
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
              b: plain value
            """;

        var document = MiniYaml.Parse(Yaml);
        var services = (Dictionary<string, object?>)document["services"]!;
        var a = (Dictionary<string, object?>)services["a"]!;
        var environment = (Dictionary<string, object?>)a["environment"]!;

        Assert.Equal("quoted # not a comment", environment["KEY"]);
        Assert.Equal("it's", environment["OTHER"]);
        Assert.Equal(["one", "two: 2"], (List<object?>)a["list"]!);
        Assert.Equal(["x", "y, z"], (List<object?>)a["flow"]!);
        Assert.Null(a["empty"]);
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

    /// <summary><c>HUB_</c> plus each key of <c>HubEnvironment</c>'s cluster key list, read from its source.</summary>
    private static HashSet<string> MappedClusterVariables()
    {
        var source = ReadText(EnvironmentSource);
        var list = Regex.Match(source, @"ClusterKeys\s*=\s*\[(?<keys>[^\]]*)\]", RegexOptions.CultureInvariant);
        Assert.True(list.Success, $"{EnvironmentSource} no longer declares ClusterKeys = [...]: update this test.");
        return Regex.Matches(list.Groups["keys"].Value, "\"(?<key>[A-Z_]+)\"", RegexOptions.CultureInvariant)
            .Select(match => "HUB_" + match.Groups["key"].Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary><c>HUB_</c> plus each key of <c>HubEnvironment</c>'s cluster TLS key list, read from its source.</summary>
    private static HashSet<string> MappedTlsVariables()
    {
        var list = Regex.Match(ReadText(EnvironmentSource), @"ClusterTlsKeys\s*=\s*\[(?<keys>[^\]]*)\]", RegexOptions.CultureInvariant);
        Assert.True(list.Success, $"{EnvironmentSource} no longer declares ClusterTlsKeys = [...]: update this test.");
        return Regex.Matches(list.Groups["keys"].Value, "\"(?<key>[A-Z_]+)\"", RegexOptions.CultureInvariant)
            .Select(match => "HUB_" + match.Groups["key"].Value)
            .ToHashSet(StringComparer.Ordinal);
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

    /// <summary>An nginx time: a number of seconds, or units like <c>120s</c>, <c>2m</c>, <c>1m30s</c>.</summary>
    private static TimeSpan NginxDuration(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return ComposeDuration(text);
    }

    private static string StripNginxComments(string text) =>
        string.Join('\n', text.Split('\n').Select(line => line.Split('#')[0]));

    private static string ReadText(string relativePath)
    {
        var path = Path.Combine(Root.Value, relativePath);
        Assert.True(File.Exists(path), $"{relativePath} does not exist at the repository root {Root.Value}.");
        return File.ReadAllText(path);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Hub.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds Hub.sln.");
    }
}

/// <summary>
/// Just enough YAML for docker-compose.yml: block mappings and block lists by indentation, flow lists
/// (<c>[a, b]</c>), plain, single- and double-quoted scalars, and comments. Anything else (anchors, block scalars,
/// flow mappings, mappings inside list items) is refused with the line number rather than misread.
/// A mapping is a <see cref="Dictionary{TKey, TValue}"/>, a list a <see cref="List{T}"/>, a scalar a string, an
/// empty value null.
/// </summary>
internal static class MiniYaml
{
    public static Dictionary<string, object?> Parse(string text)
    {
        var lines = Lines(text);
        if (lines.Count == 0)
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        var index = 0;
        var root = ParseBlock(lines, ref index, lines[0].Indent);
        if (index < lines.Count)
        {
            throw Error(lines[index], "unexpected indentation");
        }

        return root as Dictionary<string, object?> ?? throw new FormatException("The document is not a mapping.");
    }

    private static object ParseBlock(List<Line> lines, ref int index, int indent) =>
        IsListItem(lines[index].Content) ? ParseList(lines, ref index, indent) : ParseMapping(lines, ref index, indent);

    private static Dictionary<string, object?> ParseMapping(List<Line> lines, ref int index, int indent)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (index < lines.Count && lines[index].Indent == indent && !IsListItem(lines[index].Content))
        {
            var line = lines[index];
            var colon = KeyColon(line.Content);
            if (colon < 0)
            {
                throw Error(line, "expected 'key: value'");
            }

            var key = Scalar(line.Content[..colon].Trim(), line);
            var rest = line.Content[(colon + 1)..].Trim();
            index++;
            object? value;
            if (rest.Length > 0)
            {
                value = Value(rest, line);
            }
            else if (index < lines.Count && lines[index].Indent > indent)
            {
                value = ParseBlock(lines, ref index, lines[index].Indent);
            }
            else if (index < lines.Count && lines[index].Indent == indent && IsListItem(lines[index].Content))
            {
                // "key:" followed by a list at the key's own indentation, which YAML allows.
                value = ParseList(lines, ref index, indent);
            }
            else
            {
                value = null;
            }

            if (!map.TryAdd(key, value))
            {
                throw Error(line, $"duplicate key '{key}'");
            }
        }

        if (index < lines.Count && lines[index].Indent > indent)
        {
            throw Error(lines[index], "unexpected indentation");
        }

        return map;
    }

    private static List<object?> ParseList(List<Line> lines, ref int index, int indent)
    {
        var list = new List<object?>();
        while (index < lines.Count && lines[index].Indent == indent && IsListItem(lines[index].Content))
        {
            var line = lines[index];
            var item = line.Content[1..].Trim();
            index++;
            if (item.Length > 0)
            {
                if (KeyColon(item) >= 0)
                {
                    throw Error(line, "mappings inside list items are not supported");
                }

                list.Add(Value(item, line));
            }
            else if (index < lines.Count && lines[index].Indent > indent)
            {
                list.Add(ParseBlock(lines, ref index, lines[index].Indent));
            }
            else
            {
                list.Add(null);
            }
        }

        return list;
    }

    private static object? Value(string text, Line line)
    {
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            var inner = text[1..^1].Trim();
            return inner.Length == 0 ? new List<object?>() : SplitOutsideQuotes(inner, ',', line).Select(part => (object?)Scalar(part.Trim(), line)).ToList();
        }

        if (text[0] is '{' or '|' or '>' or '&' or '*' or '!')
        {
            throw Error(line, $"'{text[0]}' (flow mappings, block scalars, anchors, tags) is not supported");
        }

        return Scalar(text, line);
    }

    private static string Scalar(string text, Line line)
    {
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            return text[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            var result = new StringBuilder();
            for (var i = 1; i < text.Length - 1; i++)
            {
                if (text[i] != '\\')
                {
                    result.Append(text[i]);
                    continue;
                }

                i++;
                result.Append(text[i] switch
                {
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    '0' => '\0',
                    _ => throw Error(line, $"unsupported escape '\\{text[i]}'"),
                });
            }

            return result.ToString();
        }

        if (text.Length > 0 && (text[0] is '"' or '\''))
        {
            throw Error(line, "unterminated quoted scalar (multi-line scalars are not supported)");
        }

        return text;
    }

    /// <summary>The index of the colon that ends a mapping key (followed by a space or the end), outside quotes; -1 if none.</summary>
    private static int KeyColon(string content)
    {
        var quote = '\0';
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (i == 0 && c is '"' or '\'')
            {
                quote = c;
            }
            else if (i == 0 && c == '[')
            {
                return -1;
            }
            else if (c == ':' && (i + 1 == content.Length || content[i + 1] == ' '))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsListItem(string content) => content == "-" || content.StartsWith("- ", StringComparison.Ordinal);

    private static List<string> SplitOutsideQuotes(string text, char separator, Line line)
    {
        var parts = new List<string>();
        var quote = '\0';
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        if (quote != '\0')
        {
            throw Error(line, "unterminated quote");
        }

        parts.Add(text[start..]);
        return parts;
    }

    /// <summary>The document's non-blank lines, comments removed, with their indentation.</summary>
    private static List<Line> Lines(string text)
    {
        var lines = new List<Line>();
        var number = 0;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            number++;
            var indent = raw.Length - raw.TrimStart(' ').Length;
            if (raw.Length > indent && raw[indent] == '\t')
            {
                throw new FormatException($"Line {number}: tabs are not allowed for indentation.");
            }

            var content = StripComment(raw[indent..]).TrimEnd();
            if (content.Length > 0 && content != "---")
            {
                lines.Add(new Line(number, indent, content));
            }
        }

        return lines;
    }

    /// <summary>Removes a comment: a '#' at the start or after a space, outside quotes.</summary>
    private static string StripComment(string content)
    {
        var quote = '\0';
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (quote != '\0')
            {
                var next = i + 1 < content.Length ? content[i + 1] : '\0';
                if ((quote == '"' && c == '\\') || (quote == '\'' && c == '\'' && next == '\''))
                {
                    i++; // an escape ("\x") or a doubled quote ('') inside the quotes
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if ((c is '"' or '\'') && (i == 0 || content[i - 1] is ' ' or '[' or ','))
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || content[i - 1] == ' '))
            {
                return content[..i];
            }
        }

        return content;
    }

    private static FormatException Error(Line line, string message) => new($"Line {line.Number}: {message}: {line.Content}");

    private sealed record Line(int Number, int Indent, string Content);
}
