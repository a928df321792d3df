using Hub.Auth;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Methods;

/// <summary>One call as a <see cref="MethodActor"/> sees it.</summary>
public sealed class MethodCall
{
    private readonly ParameterBinder _binder;

    internal MethodCall(string method, HubCallContext context, JsonSerializer serializer, CancellationToken cancellationToken)
    {
        Method = method;
        Context = context;
        CancellationToken = cancellationToken;
        _binder = new ParameterBinder([], serializer);
    }

    /// <summary>The method name the client called.</summary>
    public string Method { get; }

    /// <summary>The request's <c>params</c> as sent: an array, an object, or null when absent.</summary>
    public JToken? Params => Context.Params;

    /// <summary>The calling connection's id.</summary>
    public string ConnectionId => Context.ConnectionId;

    /// <summary>The calling connection's user; <see cref="HubUser.Anonymous"/> when not logged in.</summary>
    public HubUser User => Context.User;

    /// <summary>The whole call context: publishing, calls back to the client.</summary>
    public HubCallContext Context { get; }

    /// <summary>Cancelled when the method's timeout passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// Reads one parameter, by <paramref name="position"/> when params is an array or by <paramref name="name"/>
    /// when it is an object, converting strictly.
    /// </summary>
    /// <exception cref="HubRpcException"><c>-32602</c>: the parameter is missing or has the wrong type.</exception>
    public T Param<T>(int position, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var token = Params switch
        {
            JArray array when position < array.Count => array[position],
            JObject obj when obj.TryGetValue(name, StringComparison.Ordinal, out var value) => value,
            _ => throw HubRpcException.InvalidParams($"missing parameter '{name}'"),
        };
        return (T)_binder.Convert(token, typeof(T), name)!;
    }

    /// <summary>Like <see cref="Param{T}(int, string)"/>, but returns <paramref name="fallback"/> when the parameter is absent.</summary>
    public T Param<T>(int position, string name, T fallback)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Params switch
        {
            JArray array when position < array.Count => Param<T>(position, name),
            JObject obj when obj.ContainsKey(name) => Param<T>(position, name),
            _ => fallback,
        };
    }
}
