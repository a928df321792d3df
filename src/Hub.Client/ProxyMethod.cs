using System.Collections.Concurrent;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// How a typed proxy serves one interface method: the JSON-RPC name, how params are sent, where the token and the
/// call options are, and
/// a delegate that makes the call and returns a task of the method's own return type. Built once per interface.
/// </summary>
internal sealed class ProxyMethod
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<MethodInfo, ProxyMethod>> Tables = new();

    private static readonly MethodInfo TypedInvoke = typeof(ProxyMethod).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly string _name;
    private readonly bool _byName;
    private readonly string[] _parameterNames;
    private readonly int _tokenIndex;
    private readonly int _optionsIndex;
    private readonly Func<HubClient, string, Func<JsonSerializer, JToken?>, HubCallOptions?, CancellationToken, Task> _invoke;

    private ProxyMethod(MethodInfo method)
    {
        var attribute = method.GetCustomAttribute<JsonRpcMethodAttribute>();
        _name = attribute?.Name ?? DefaultName(method.Name);
        _byName = attribute?.ParamsByName ?? false;
        var parameters = method.GetParameters();
        _parameterNames = parameters.Select(p => p.Name ?? $"arg{p.Position}").ToArray();
        _tokenIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(CancellationToken));
        _optionsIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(HubCallOptions));
        if (method.ReturnType == typeof(Task))
        {
            _invoke = static (client, name, parameters, options, token) => client.InvokeForProxyAsync(name, parameters, options, token);
        }
        else
        {
            var resultType = method.ReturnType.GetGenericArguments()[0];
            _invoke = TypedInvoke.MakeGenericMethod(resultType)
                .CreateDelegate<Func<HubClient, string, Func<JsonSerializer, JToken?>, HubCallOptions?, CancellationToken, Task>>();
        }
    }

    /// <summary>The method table of <paramref name="interfaceType"/>, checked and cached.</summary>
    /// <exception cref="ArgumentException">Not an interface, or a member a proxy cannot serve.</exception>
    public static IReadOnlyDictionary<MethodInfo, ProxyMethod> For(Type interfaceType) =>
        Tables.GetOrAdd(interfaceType, Build);

    public Task Invoke(HubClient client, object?[] args)
    {
        var token = _tokenIndex >= 0 && args[_tokenIndex] is CancellationToken given ? given : CancellationToken.None;
        var options = _optionsIndex >= 0 ? args[_optionsIndex] as HubCallOptions : null;
        return _invoke(client, _name, serializer => Parameters(serializer, args), options, token);
    }

    private static Task<T> InvokeTyped<T>(HubClient client, string name, Func<JsonSerializer, JToken?> parameters, HubCallOptions? options, CancellationToken cancellationToken) =>
        client.InvokeForProxyAsync<T>(name, parameters, options, cancellationToken);

    private static string DefaultName(string name) =>
        name.Length > "Async".Length && name.EndsWith("Async", StringComparison.Ordinal) ? name[..^"Async".Length] : name;

    private static IReadOnlyDictionary<MethodInfo, ProxyMethod> Build(Type interfaceType)
    {
        if (!interfaceType.IsInterface)
        {
            throw new ArgumentException($"{interfaceType} is not an interface; typed proxies are made for interfaces.", nameof(interfaceType));
        }

        var table = new Dictionary<MethodInfo, ProxyMethod>();
        foreach (var type in interfaceType.GetInterfaces().Prepend(interfaceType))
        {
            if (type.GetProperties().Length > 0 || type.GetEvents().Length > 0)
            {
                throw new ArgumentException($"{type} has properties or events; a proxy serves only methods.", nameof(interfaceType));
            }

            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            {
                if (method.IsGenericMethodDefinition)
                {
                    throw new ArgumentException($"{type}.{method.Name} is generic; a proxy method cannot be.", nameof(interfaceType));
                }

                if (method.ReturnType != typeof(Task) && !(method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)))
                {
                    throw new ArgumentException($"{type}.{method.Name} returns {method.ReturnType}; a proxy method returns Task or Task<T>.", nameof(interfaceType));
                }

                var parameters = method.GetParameters();
                if (parameters.Any(p => p.ParameterType.IsByRef))
                {
                    throw new ArgumentException($"{type}.{method.Name} has a ref, in or out parameter; a proxy method cannot.", nameof(interfaceType));
                }

                if (parameters.Count(p => p.ParameterType == typeof(CancellationToken)) > 1)
                {
                    throw new ArgumentException($"{type}.{method.Name} has more than one CancellationToken.", nameof(interfaceType));
                }

                if (parameters.Count(p => p.ParameterType == typeof(HubCallOptions)) > 1)
                {
                    throw new ArgumentException($"{type}.{method.Name} has more than one HubCallOptions.", nameof(interfaceType));
                }

                table[method] = new ProxyMethod(method);
            }
        }

        return table;
    }

    private JToken? Parameters(JsonSerializer serializer, object?[] args)
    {
        // A method without parameters (a token and options aside) sends no params member, like CallAsync(method).
        if (args.Length == (_tokenIndex >= 0 ? 1 : 0) + (_optionsIndex >= 0 ? 1 : 0))
        {
            return null;
        }

        if (_byName)
        {
            var named = new JObject();
            for (var i = 0; i < args.Length; i++)
            {
                if (IsSent(i))
                {
                    named[_parameterNames[i]] = OutgoingMessages.ToToken(serializer, args[i]);
                }
            }

            return named;
        }

        var positional = new JArray();
        for (var i = 0; i < args.Length; i++)
        {
            if (IsSent(i))
            {
                positional.Add(OutgoingMessages.ToToken(serializer, args[i]));
            }
        }

        return positional;
    }

    private bool IsSent(int index) => index != _tokenIndex && index != _optionsIndex;
}
