using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

// Proxies: a dynamic one for quick calls, typed interface ones for code that wants the compiler's help.
public sealed partial class HubClient
{
    /// <summary>
    /// A dynamic proxy (in the spirit of aiohttp-json-rpc's <c>JsonRpcClientContext</c>): any method called on it
    /// calls the JSON-RPC method of that name. Positional arguments become params by position, named arguments
    /// params by name (the two cannot be mixed), a <see cref="CancellationToken"/> argument cancels the call, a
    /// <see cref="HubCallOptions"/> argument sets the call's options (such as its timeout), and no arguments sends no
    /// params. Neither a token nor options is sent, wherever it stands. Every call returns <c>Task&lt;JToken&gt;</c>,
    /// and fails as <see cref="CallAsync(HubCallOptions, string, object?[], CancellationToken)"/> does.
    /// </summary>
    /// <example>
    /// <code>
    /// JToken difference = await client.Dynamic.subtract(42, 23);                     // [42,23]
    /// JToken same = await client.Dynamic.subtract(minuend: 42, subtrahend: 23);      // {"minuend":42,"subtrahend":23}
    /// string pong = (string)await client.Dynamic.ping();
    /// JToken slept = await client.Dynamic.sleep(500, new HubCallOptions { Timeout = TimeSpan.FromSeconds(2) });   // [500]
    /// </code>
    /// </example>
    public dynamic Dynamic => LazyInitializer.EnsureInitialized(ref _dynamic, () => new HubDynamicProxy(this));

    /// <summary>
    /// Creates a typed proxy for <typeparamref name="T"/>: calling one of its methods calls the JSON-RPC method it
    /// names (see <see cref="JsonRpcMethodAttribute"/>; by default the C# name less a trailing <c>Async</c>), with its
    /// arguments by position (or by name, as the attribute says), and converts the result to the method's return
    /// type. A <see cref="CancellationToken"/> parameter is not sent; it cancels the call. A <see cref="HubCallOptions"/>
    /// parameter is not sent either; it sets the call's options, such as its timeout (<see langword="null"/>: the
    /// client's defaults). This is the one way to give a typed proxy call its own timeout; see
    /// <see cref="HubCallOptions"/> for why it is a parameter and not an attribute.
    /// </summary>
    /// <remarks>
    /// Built with <see cref="DispatchProxy"/>: no code generation step and any interface will do, at the cost of
    /// reflection when the proxy is created (the method table is cached per interface) and a small allocation per
    /// call. Every method (inherited ones included) must return <see cref="Task"/> or <see cref="Task{TResult}"/>,
    /// take no <c>ref</c>/<c>out</c> parameters, at most one <see cref="CancellationToken"/> and at most one
    /// <see cref="HubCallOptions"/>, and not be generic;
    /// the interface may have no properties or events. A proxy is as thread-safe as the client.
    /// </remarks>
    /// <typeparam name="T">An interface.</typeparam>
    /// <returns>A proxy calling through this client.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an interface, or has a member a proxy cannot
    /// serve (the message names it).</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <example>
    /// <code>
    /// public interface ICalculator
    /// {
    ///     [JsonRpcMethod("subtract")]
    ///     Task&lt;double&gt; SubtractAsync(double minuend, double subtrahend, CancellationToken cancellationToken = default);
    ///
    ///     [JsonRpcMethod("ping")]
    ///     Task&lt;string&gt; PingAsync(HubCallOptions? options = null);
    /// }
    ///
    /// var calculator = client.CreateProxy&lt;ICalculator&gt;();
    /// var difference = await calculator.SubtractAsync(42, 23);
    /// var pong = await calculator.PingAsync(new HubCallOptions { Timeout = TimeSpan.FromSeconds(1) });   // sends no params
    /// </code>
    /// </example>
    public T CreateProxy<T>()
        where T : class
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposeStarted) != 0, this);
        var methods = ProxyMethod.For(typeof(T));
        var proxy = DispatchProxy.Create<T, HubInterfaceProxy>();
        ((HubInterfaceProxy)(object)proxy).Bind(this, methods);
        return proxy;
    }

    /// <summary>The proxies' way in: params already built, result as JSON; <see langword="null"/> options for the defaults.</summary>
    internal Task<JToken> InvokeForProxyAsync(string method, Func<JsonSerializer, JToken?> parameters, HubCallOptions? options, CancellationToken cancellationToken)
    {
        return InvokeAsync(method, parameters(_serializer), options?.Timeout ?? _defaultTimeout, cancellationToken);
    }

    /// <summary>The typed proxies' way in for <c>Task&lt;T&gt;</c> methods.</summary>
    internal Task<T> InvokeForProxyAsync<T>(string method, Func<JsonSerializer, JToken?> parameters, HubCallOptions? options, CancellationToken cancellationToken)
    {
        JToken? json;
        try
        {
            json = parameters(_serializer);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }

        return InvokeAsync<T>(method, json, options?.Timeout ?? _defaultTimeout, cancellationToken);
    }
}
