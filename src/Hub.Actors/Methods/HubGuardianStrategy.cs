using Akka.Actor;

namespace Hub.Methods;

/// <summary>
/// Supervises the top-level actors (method actors among them) as Akka's default does, but through
/// <see cref="MethodCrashStrategy"/>. Named by <c>akka.actor.guardian-supervisor-strategy</c> in hub.hocon.
/// </summary>
internal sealed class HubGuardianStrategy : SupervisorStrategyConfigurator
{
    public override SupervisorStrategy Create() => new MethodCrashStrategy();
}
