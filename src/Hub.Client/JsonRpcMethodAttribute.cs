namespace Hub.Client;

/// <summary>
/// Names the JSON-RPC method a method of a typed proxy interface calls (see <see cref="HubClient.CreateProxy{T}"/>),
/// and says how its arguments are sent. Without it, the method's own name is used, less a trailing <c>Async</c>, with
/// the arguments by position.
/// </summary>
/// <example>
/// <code>
/// public interface ICalculator
/// {
///     [JsonRpcMethod("subtract")]
///     Task&lt;double&gt; SubtractAsync(double minuend, double subtrahend, CancellationToken cancellationToken = default);
///
///     [JsonRpcMethod("add", ParamsByName = true)]   // sends {"a":1,"b":2}
///     Task&lt;double&gt; AddAsync(double a, double b);
/// }
/// </code>
/// </example>
/// <param name="name">The JSON-RPC method's name, exactly as the server knows it.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class JsonRpcMethodAttribute(string name) : Attribute
{
    /// <summary>The JSON-RPC method's name, exactly as the server knows it.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// <see langword="true"/> to send the arguments by name (a JSON object keyed by the C# parameter names);
    /// <see langword="false"/> (the default) to send them by position (a JSON array).
    /// </summary>
    public bool ParamsByName { get; set; }
}
