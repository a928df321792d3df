using Akka.Actor;
using Hub.Auth;

namespace Hub.Methods;

/// <summary>
/// One registered method, as the registry keeps it: either a <see cref="Handler"/> run by a
/// <see cref="DelegateMethodActor"/>, or the <see cref="ActorProps"/> of an actor the user wrote.
/// </summary>
internal sealed record MethodDefinition(string Name, MethodHandler? Handler, Props? ActorProps, TimeSpan? Timeout, AccessRule Access);
