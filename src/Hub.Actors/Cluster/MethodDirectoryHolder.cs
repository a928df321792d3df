namespace Hub.Cluster;

/// <summary>
/// The owner of this node's current <see cref="MethodDirectory"/>: the registry actor writes a new snapshot whenever
/// membership or registrations change; connections read it, without a message per call.
/// </summary>
internal sealed class MethodDirectoryHolder(MethodDirectory initial)
{
    private MethodDirectory _current = initial;

    /// <summary>The latest snapshot.</summary>
    public MethodDirectory Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }
}
