using Akka.Actor;
using Hub.Auth;

namespace Hub.Methods;

/// <summary>
/// One registered method, as the registry keeps it: either a <see cref="Handler"/> run by a
/// <see cref="DelegateMethod"/> (on the caller's thread when <see cref="Inline"/>), or the <see cref="ActorProps"/>
/// of an actor the user wrote. <see cref="Sequential"/>: one connection's calls run one at a time, in arrival order.
/// </summary>
internal sealed record MethodDefinition(string Name, MethodHandler? Handler, Props? ActorProps, TimeSpan? Timeout, AccessRule Access, bool Inline = false, bool Sequential = false);
