using System.Collections.Frozen;
using Akka.Actor;
using Hub.Auth;

namespace Hub.Cluster;

/// <summary>
/// Where each method of the whole cluster is served: an immutable snapshot the registry actor replaces whenever
/// membership or registrations change, read by connection actors without a message per call.
/// </summary>
internal sealed class MethodDirectory
{
    private readonly FrozenDictionary<string, Target[]> _remote;
    private int _next;

    public MethodDirectory(IReadOnlyDictionary<string, Target[]> remote, IEnumerable<string> names)
    {
        _remote = remote.ToFrozenDictionary(StringComparer.Ordinal);
        Names = [.. names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public static MethodDirectory Empty(IEnumerable<string> localNames) => new(new Dictionary<string, Target[]>(), localNames);

    /// <summary>
    /// The name of a method's actor under <c>/user</c>, the same on every node, which is how a node finds another's:
    /// escaped, since method names may hold any character.
    /// </summary>
    public static string ActorName(string method) => "method-" + Uri.EscapeDataString(method);

    /// <summary>Every method served by some reachable member, this node included, sorted by ordinal comparison.</summary>
    public string[] Names { get; }

    /// <summary>
    /// Whether <c>get_methods</c> lists a method served elsewhere to <paramref name="user"/>: the user passes its declared
    /// rules (login, permissions) on some node, and the method has no custom tests there. Tests run only where the
    /// method is served, so a method with tests is not listed here at all, rather than to callers who would fail them.
    /// </summary>
    public bool Lists(string method, HubUser user) =>
        _remote.TryGetValue(method, out var targets) && targets.Any(t => !t.Access.TestedElsewhere && t.Access.AllowsDeclared(user));

    /// <summary>A reachable remote node serving <paramref name="method"/>, taken in turn; false when there is none.</summary>
    public bool TryGetRemote(string method, out Target target)
    {
        if (_remote.TryGetValue(method, out var targets) && targets.Length > 0)
        {
            target = targets[(int)((uint)Interlocked.Increment(ref _next) % (uint)targets.Length)];
            return true;
        }

        target = null!;
        return false;
    }

    /// <summary>
    /// A method actor on another node: its address (to fail calls when the node is lost) and reference;
    /// <see cref="Sequential"/>: one connection's calls run one at a time.
    /// </summary>
    public sealed record Target(Address Node, IActorRef Actor, TimeSpan? Timeout, AccessRule Access, bool Sequential);
}
