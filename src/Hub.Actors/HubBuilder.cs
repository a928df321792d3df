using System.Reflection;
using Akka.Actor;
using Hub.Auth;
using Hub.Methods;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace Hub;

/// <summary>
/// Declares what a hub serves: methods (three ways, one registry) and topics. Used by
/// <c>services.AddHub(hub => ...)</c> in the host.
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddHub(hub =>
/// {
///     hub.AddMethod("add", (int a, int b) => a + b);
///     hub.AddMethods(new MathService(), prefix: "math");   // math.add, math.mul, ...
///     hub.AddMethodActor&lt;CounterActor&gt;("counter");
///     hub.AddTopic("prices");
/// });
/// </code>
/// </example>
public sealed class HubBuilder
{
    /// <summary>The names <c>get_methods</c> lists first, in this order (PROTOCOL.md section 5).</summary>
    internal static readonly string[] BuiltIns = ["get_methods", "get_topics", "get_subscriptions", "subscribe", "unsubscribe"];

    /// <summary>
    /// Names no registered method may take: the listed built-ins, and <c>login</c>, a built-in the connection answers
    /// itself (unlisted, PROTOCOL.md fixes the list), which would hide a method of that name without a word.
    /// </summary>
    private static readonly string[] ReservedNames = [.. BuiltIns, "login"];

    /// <summary>C# method names become the protocol's snake_case: <c>Add</c> is <c>add</c>, <c>GetData</c> is <c>get_data</c>.</summary>
    private static readonly SnakeCaseNamingStrategy MethodNames = new();

    private readonly List<PendingMethod> _methods = [];
    private readonly List<(string Name, AccessRule Access)> _topics = [];
    private List<AccessRule> _last = [];
    private List<PendingMethod> _lastMethods = [];

    /// <summary>
    /// Newtonsoft.Json settings for binding params and serializing results. Defaults: dates are not parsed from
    /// strings, floating-point numbers read as doubles.
    /// </summary>
    public JsonSerializerSettings SerializerSettings { get; } = new()
    {
        DateParseHandling = DateParseHandling.None,
        FloatParseHandling = FloatParseHandling.Double,
    };

    /// <summary>
    /// Registers a delegate as a method. Parameters bind from <c>params</c> by position or by name, strictly;
    /// parameters of type <see cref="CancellationToken"/> (cancelled at the timeout) and <see cref="HubCallContext"/>
    /// are supplied by the hub, and a <c>[RawParams] JToken?</c> parameter receives params as sent. It may return
    /// a value, <c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c>.
    /// </summary>
    /// <param name="name">The method name clients call. Names starting with <c>rpc.</c> and the built-in names
    /// (<c>get_methods</c>, <c>get_topics</c>, <c>get_subscriptions</c>, <c>subscribe</c>, <c>unsubscribe</c>,
    /// <c>login</c>) are refused.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="timeout">This method's timeout; default: <c>hub.method-timeout</c> (30 s).</param>
    /// <exception cref="ArgumentException">The name is empty, reserved or already registered.</exception>
    public HubBuilder AddMethod(string name, Delegate handler, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _last = [];
        _lastMethods = [];
        return Add(new PendingMethod(null, name, handler.Target, handler.Method, null, timeout, new AccessRule().AddAttributes(handler.Method))
        {
            Sequential = handler.Method.IsDefined(typeof(SequentialAttribute), inherit: true),
        });
    }

    /// <summary>
    /// Registers every public instance method declared by <paramref name="service"/>'s type, named
    /// <c>prefix + separator + method_name</c> (the C# name in snake_case: <c>GetData</c> is <c>get_data</c>;
    /// separator: <c>hub.method-separator</c>, default <c>"."</c>), or just <c>method_name</c> without a prefix.
    /// Binding is as in <see cref="AddMethod"/>. Not registered, because they are not the service's API and a client
    /// must not reach them: overrides of <see cref="object"/>'s methods (<c>ToString</c>, <c>Equals</c>,
    /// <c>GetHashCode</c>), <c>Dispose</c> and <c>DisposeAsync</c> of <see cref="IDisposable"/> and
    /// <see cref="IAsyncDisposable"/>, and what the compiler generates (a record's equality, <c>Deconstruct</c>, clone).
    /// </summary>
    /// <exception cref="ArgumentException">The type has overloads of one name, or a name clashes or is reserved (without a prefix; with one, when the hub is built).</exception>
    public HubBuilder AddMethods(object service, string? prefix = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        _last = [];
        _lastMethods = [];
        var methods = service.GetType()
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && IsServiceApi(m, service.GetType()))
            .ToList();
        foreach (var group in methods.GroupBy(m => m.Name))
        {
            if (group.Count() > 1)
            {
                throw new ArgumentException($"'{service.GetType().Name}.{group.Key}' is overloaded; a JSON-RPC method needs one signature.", nameof(service));
            }

            var access = new AccessRule().AddAttributes(service.GetType()).AddAttributes(group.Single());
            Add(new PendingMethod(prefix, MethodNames.GetPropertyName(group.Key, hasSpecifiedName: false), service, group.Single(), null, timeout, access)
            {
                Sequential = service.GetType().IsDefined(typeof(SequentialAttribute), inherit: true) || group.Single().IsDefined(typeof(SequentialAttribute), inherit: true),
            });
        }

        return this;
    }

    /// <summary>False for a method <see cref="AddMethods"/> leaves out: an override of <see cref="object"/>'s, a disposer, or generated.</summary>
    private static bool IsServiceApi(MethodInfo method, Type type)
    {
        if (method.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), inherit: false)
            || method.GetBaseDefinition().DeclaringType == typeof(object))
        {
            return false;
        }

        foreach (var disposer in (Type[])[typeof(IDisposable), typeof(IAsyncDisposable)])
        {
            if (disposer.IsAssignableFrom(type) && type.GetInterfaceMap(disposer).TargetMethods.Contains(method))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Registers a method served by an actor of type <typeparamref name="TActor"/>: one instance per node, taking
    /// calls one at a time (see <see cref="MethodActor"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, reserved or already registered.</exception>
    public HubBuilder AddMethodActor<TActor>(string name, TimeSpan? timeout = null)
        where TActor : MethodActor, new() =>
        AddMethodActor(name, Props.Create<TActor>(), timeout);

    /// <summary>Registers a method served by the <see cref="MethodActor"/> that <paramref name="props"/> creates.</summary>
    /// <exception cref="ArgumentException">The name is empty, reserved or already registered.</exception>
    public HubBuilder AddMethodActor(string name, Props props, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        _last = [];
        _lastMethods = [];
        return Add(new PendingMethod(null, name, null, null, props, timeout, new AccessRule().AddAttributes(props.Type))
        {
            Sequential = props.Type?.IsDefined(typeof(SequentialAttribute), inherit: true) ?? false,
        });
    }

    /// <summary>Declares a topic clients may subscribe to and the server may publish to.</summary>
    /// <param name="name">A non-empty name of at most 256 characters.</param>
    /// <exception cref="ArgumentException">The name is empty, too long or already declared.</exception>
    public HubBuilder AddTopic(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > 256)
        {
            throw new ArgumentException("A topic name has 1 to 256 characters.", nameof(name));
        }

        if (_topics.Any(t => t.Name == name))
        {
            throw new ArgumentException($"Topic '{name}' is already declared.", nameof(name));
        }

        var access = new AccessRule();
        _topics.Add((name, access));
        _last = [access];
        _lastMethods = [];
        return this;
    }

    /// <summary>
    /// Only logged-in users may use what the previous <c>Add*</c> call registered (every method of an
    /// <see cref="AddMethods"/> call). Others do not see it: missing from <c>get_methods</c>/<c>get_topics</c>,
    /// <c>-32601</c> when called, <c>-32602</c> when subscribed to.
    /// </summary>
    /// <example><code>hub.AddMethod("whoami", (HubCallContext c) => c.User.Name).RequireLogin();</code></example>
    /// <exception cref="InvalidOperationException">Nothing was registered yet.</exception>
    public HubBuilder RequireLogin() => Apply(rule => rule.RequireLogin());

    /// <summary>As <see cref="RequireLogin"/>, and the user must hold <paramref name="permission"/> (superusers hold all). Calls add up.</summary>
    /// <example><code>hub.AddTopic("secret").RequirePermission("secret");</code></example>
    /// <exception cref="InvalidOperationException">Nothing was registered yet.</exception>
    public HubBuilder RequirePermission(string permission) => Apply(rule => rule.RequirePermission(permission));

    /// <summary>
    /// As <see cref="RequireLogin"/>, with any predicate on the user. For a method it runs on the node that serves
    /// the method; other nodes list the method by its login and permission rules alone.
    /// </summary>
    /// <example><code>hub.AddMethod("shutdown", () => Stop()).Require(user => user.IsSuperuser);</code></example>
    /// <exception cref="InvalidOperationException">Nothing was registered yet.</exception>
    public HubBuilder Require(Func<HubUser, bool> test) => Apply(rule => rule.Require(test));

    /// <summary>
    /// The delegate or object methods registered by the previous <c>Add*</c> call run on the calling connection's
    /// thread (a call from another node: on the method's actor), not as a thread-pool work item: no thread hop to the
    /// method and back. Calls of the method start one at a time on a node, a connection's in arrival order (an async
    /// handler's part after its first pending await runs on the thread pool as usual). Only for handlers that return at
    /// once and never block: one that blocks holds every other call of its method, and its connection's other calls,
    /// behind it (by default it holds only its own call).
    /// </summary>
    /// <example><code>hub.AddMethod("ping", () => "pong").RunInline();</code></example>
    /// <exception cref="InvalidOperationException">The previous registration was not a delegate or object method.</exception>
    public HubBuilder RunInline()
    {
        if (_lastMethods.Count == 0 || _lastMethods.Any(m => m.Method is null))
        {
            throw new InvalidOperationException("RunInline applies to the delegate or object methods registered just before it (not to topics or method actors).");
        }

        _lastMethods.ForEach(m => m.Inline = true);
        return this;
    }

    /// <summary>
    /// Calls from one connection to the methods registered by the previous <c>Add*</c> call run one at a time, in
    /// the order they arrived: the connection sends the next only when the one before has answered (or timed out).
    /// By default a connection's calls run concurrently and may finish, and take effect, in any order (JSON-RPC 2.0
    /// allows that). Calls of all the sequential methods of a connection share one line, so a <c>send</c> followed by
    /// an <c>edit</c> also run in that order; other calls are not held by them. A call's timeout counts from its
    /// arrival, so a call waiting behind a slow one may time out before it starts; it is then not run. Other
    /// connections' calls are not ordered against these. Same as <see cref="SequentialAttribute"/>.
    /// </summary>
    /// <example><code>hub.AddMethod("send", (string text, HubCallContext call) => call.NotifyAsync("chat", new { text })).Sequential();</code></example>
    /// <exception cref="InvalidOperationException">The previous registration was not a method.</exception>
    public HubBuilder Sequential()
    {
        if (_lastMethods.Count == 0)
        {
            throw new InvalidOperationException("Sequential applies to the methods registered just before it (not to topics).");
        }

        _lastMethods.ForEach(m => m.Sequential = true);
        return this;
    }

    internal IReadOnlyList<(string Name, AccessRule Access)> Topics => _topics;

    internal IReadOnlyList<MethodDefinition> BuildMethods(HubSettings settings)
    {
        var serializer = JsonSerializer.Create(SerializerSettings);
        var definitions = new List<MethodDefinition>();
        foreach (var pending in _methods)
        {
            var name = pending.Prefix is null ? pending.Name : pending.Prefix + settings.MethodSeparator + pending.Name;
            Validate(name);
            if (definitions.Any(d => d.Name == name))
            {
                throw new ArgumentException($"Method '{name}' is already registered.");
            }

            var handler = pending.Method is null ? null : new MethodHandler(pending.Target, pending.Method, serializer);
            definitions.Add(new MethodDefinition(name, handler, pending.Props, pending.Timeout, pending.Access, pending.Inline, pending.Sequential));
        }

        return definitions;
    }

    private HubBuilder Add(PendingMethod method)
    {
        ArgumentNullException.ThrowIfNull(method.Name);
        if (method.Prefix is null)
        {
            Validate(method.Name);
            if (_methods.Any(m => m.Prefix is null && m.Name == method.Name))
            {
                throw new ArgumentException($"Method '{method.Name}' is already registered.");
            }
        }

        if (method.Method is not null)
        {
            // Build the binder now, so a bad signature fails at registration rather than at the first call.
            _ = new MethodHandler(method.Target, method.Method, JsonSerializer.CreateDefault());
        }

        _methods.Add(method);
        _last.Add(method.Access);
        _lastMethods.Add(method);
        return this;
    }

    private HubBuilder Apply(Action<AccessRule> change)
    {
        if (_last.Count == 0)
        {
            throw new InvalidOperationException("Require* applies to the method or topic registered just before it; nothing was registered yet.");
        }

        _last.ForEach(change);
        return this;
    }

    private static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("A method name must not be empty.", nameof(name));
        }

        if (name.StartsWith("rpc.", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Method names starting with 'rpc.' are reserved by JSON-RPC 2.0: '{name}'.", nameof(name));
        }

        if (ReservedNames.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{name}' is a built-in method; its name is reserved.", nameof(name));
        }
    }

    private sealed record PendingMethod(string? Prefix, string Name, object? Target, MethodInfo? Method, Props? Props, TimeSpan? Timeout, AccessRule Access)
    {
        public bool Inline { get; set; }

        public bool Sequential { get; set; }
    }
}
