using Akka.Actor;

namespace Hub.Methods;

/// <summary>
/// Akka's default supervision (restart, stop on initialization failures), except that a method actor's crash is not
/// logged: <see cref="MethodActor"/> logged it already, with the call it failed, and a second entry would print the
/// same stack trace again.
/// </summary>
internal sealed class MethodCrashStrategy() : OneForOneStrategy(DefaultDecider)
{
    protected override void LogFailure(IActorContext context, IActorRef child, Exception cause, Directive directive)
    {
        if (cause is not MethodActorCrashedException)
        {
            base.LogFailure(context, child, cause, directive);
        }
    }
}
