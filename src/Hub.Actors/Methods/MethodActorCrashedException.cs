namespace Hub.Methods;

/// <summary>Escalates a method actor's unexpected exception to its supervisor, which restarts it.</summary>
public sealed class MethodActorCrashedException : Exception
{
    /// <summary>Wraps the exception a method actor's call threw.</summary>
    public MethodActorCrashedException(string method, Exception inner)
        : base($"Method actor '{method}' failed.", inner)
    {
    }
}
