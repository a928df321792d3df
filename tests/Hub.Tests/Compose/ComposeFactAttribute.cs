namespace Hub.Tests.Compose;

/// <summary>
/// A test that needs Docker: a Docker engine that answers and docker-compose (or the compose plugin). Where there is
/// none, the test is skipped with the reason; scripts/test.sh, the README's test command, installs and starts both
/// when it runs as root with apt, so there the test always runs.
/// </summary>
public sealed class ComposeFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> to why Docker cannot run here, if it cannot.</summary>
    public ComposeFactAttribute()
    {
        if (DockerTools.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
