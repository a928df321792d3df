using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Hub.Auth;
using Hub.Cluster;

namespace Hub.Methods;

/// <summary>
/// The methods a call can go to: this node's, with their actors and access rules, and the whole cluster's through the
/// method directory (which the registry actor keeps current).
/// </summary>
internal sealed class MethodTable(FrozenDictionary<string, MethodTarget> local, MethodDirectoryHolder directory)
{
    /// <summary>The methods of the whole cluster, as last announced.</summary>
    public MethodDirectory Directory => directory.Current;

    /// <summary>A method served on this node.</summary>
    public bool TryGetLocal(string name, [MaybeNullWhen(false)] out MethodTarget target) => local.TryGetValue(name, out target);

    /// <summary>What <c>get_methods</c> lists after the built-ins: the methods of the whole cluster <paramref name="user"/> may call, sorted.</summary>
    public IEnumerable<string> Visible(HubUser user)
    {
        var current = Directory;
        return current.Names.Where(name => local.TryGetValue(name, out var method) ? method.Access.Allows(user) : current.Lists(name, user));
    }
}
