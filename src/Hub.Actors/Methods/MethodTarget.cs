using Akka.Actor;
using Hub.Auth;

namespace Hub.Methods;

/// <summary>
/// Where calls to one method of this node go; <see cref="Sequential"/>: one connection's calls run one at a time.
/// <see cref="Delegate"/>, for a delegate or object method: a connection on this node runs its calls through it,
/// without the hop through <see cref="Actor"/>.
/// </summary>
internal sealed record MethodTarget(IActorRef Actor, TimeSpan? Timeout, AccessRule Access, bool Sequential, DelegateMethod? Delegate = null);
