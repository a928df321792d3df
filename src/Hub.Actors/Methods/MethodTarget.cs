using Akka.Actor;
using Hub.Auth;

namespace Hub.Methods;

/// <summary>Where calls to one method of this node go; <see cref="Sequential"/>: one connection's calls run one at a time.</summary>
internal sealed record MethodTarget(IActorRef Actor, TimeSpan? Timeout, AccessRule Access, bool Sequential);
