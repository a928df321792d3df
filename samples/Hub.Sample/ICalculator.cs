using Hub.Client;

namespace Hub.Sample;

/// <summary>Some of the demo service's methods, as a typed proxy (<c>client.CreateProxy&lt;ICalculator&gt;()</c>).</summary>
public interface ICalculator
{
    [JsonRpcMethod("add")]
    Task<double> AddAsync(double a, double b, CancellationToken cancellationToken = default);

    [JsonRpcMethod("subtract", ParamsByName = true)]
    Task<double> SubtractAsync(double minuend, double subtrahend, CancellationToken cancellationToken = default);
}
