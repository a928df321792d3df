using System.Dynamic;
using Newtonsoft.Json.Linq;

namespace Hub.Client;

/// <summary>
/// <see cref="HubClient.Dynamic"/>: turns <c>proxy.name(args)</c> into a call of <c>name</c>. The runtime binder gives
/// the names of named arguments, which come last (C# requires it), so positional and named arguments are told apart.
/// </summary>
internal sealed class HubDynamicProxy(HubClient client) : DynamicObject
{
    public override bool TryInvokeMember(InvokeMemberBinder binder, object?[]? args, out object? result)
    {
        args ??= [];
        var names = binder.CallInfo.ArgumentNames;
        var firstNamed = args.Length - names.Count;
        var cancellationToken = CancellationToken.None;
        HubCallOptions? options = null;
        var positional = new List<object?>();
        var named = new List<KeyValuePair<string, object?>>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is CancellationToken token)
            {
                cancellationToken = token;
            }
            else if (args[i] is HubCallOptions given)
            {
                options = given;
            }
            else if (i < firstNamed)
            {
                positional.Add(args[i]);
            }
            else
            {
                named.Add(new(names[i - firstNamed], args[i]));
            }
        }

        if (positional.Count > 0 && named.Count > 0)
        {
            throw new ArgumentException($"'{binder.Name}': JSON-RPC params are either by position or by name; do not mix positional and named arguments.");
        }

        result = client.InvokeForProxyAsync(
            binder.Name,
            serializer =>
            {
                if (named.Count > 0)
                {
                    var members = new JObject();
                    foreach (var (name, value) in named)
                    {
                        members[name] = OutgoingMessages.ToToken(serializer, value);
                    }

                    return members;
                }

                // No arguments (or only a token and options): no params member at all.
                return positional.Count > 0 ? HubClient.Positional(serializer, [.. positional]) : null;
            },
            options,
            cancellationToken);
        return true;
    }
}
