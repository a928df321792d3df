using Akka.Actor;
using Hub.Auth;

namespace Hub.Methods;

/// <summary>
/// Creates a user's <see cref="MethodActor"/> from the <c>Props</c> it was registered with, and hands it the method's
/// access rule and the node's <see cref="MethodServices"/> before its first message; Akka calls it again for each
/// restart, so a restarted actor is served alike. This is how an actor whose constructor the user writes receives
/// what it needs through its <c>Props</c>.
/// </summary>
internal sealed class MethodActorProducer(Props registered, MethodServices services, AccessRule access) : IIndirectActorProducer
{
    public Type ActorType => registered.Type;

    /// <summary>The <c>Props</c> the engine starts a method actor with: <paramref name="registered"/>'s deployment and supervision, this producer.</summary>
    public static Props Props(Props registered, MethodServices services, AccessRule access) =>
        Akka.Actor.Props.CreateBy(new MethodActorProducer(registered, services, access))
            .WithDeploy(registered.Deploy)
            .WithSupervisorStrategy(registered.SupervisorStrategy);

    public ActorBase Produce()
    {
        var actor = registered.NewActor();
        (actor as MethodActor)?.Serve(services, access);
        return actor;
    }

    // Nothing to release: Akka keeps Props.Release internal, so the registered Props' own producer is not told; the
    // Props users register (Props.Create) hold nothing to release.
    public void Release(ActorBase actor)
    {
    }
}
