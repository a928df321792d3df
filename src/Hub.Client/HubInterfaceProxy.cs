using System.Reflection;

namespace Hub.Client;

/// <summary>
/// The base of every typed proxy <see cref="HubClient.CreateProxy{T}"/> makes. <see cref="DispatchProxy"/> derives a
/// class implementing the interface from it at run time and routes each call to <see cref="Invoke"/>.
/// </summary>
/// <remarks>Not sealed, and with a public parameterless constructor: <see cref="DispatchProxy"/> requires both.</remarks>
#pragma warning disable CA1852 // DispatchProxy derives from it at run time.
internal class HubInterfaceProxy : DispatchProxy
#pragma warning restore CA1852
{
    private HubClient? _client;
    private IReadOnlyDictionary<MethodInfo, ProxyMethod>? _methods;

    internal void Bind(HubClient client, IReadOnlyDictionary<MethodInfo, ProxyMethod> methods)
    {
        _client = client;
        _methods = methods;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (_client is null || _methods is null || !_methods.TryGetValue(targetMethod, out var method))
        {
            throw new NotSupportedException($"{targetMethod.DeclaringType}.{targetMethod.Name} is not served by this proxy.");
        }

        return method.Invoke(_client, args ?? []);
    }
}
