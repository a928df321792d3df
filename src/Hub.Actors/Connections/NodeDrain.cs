namespace Hub.Connections;

/// <summary>
/// Whether this node has begun to stop. Set once by the engine before the drain reaches each connection, and read by
/// every connection before it admits a call, so no call slips in between.
/// </summary>
internal sealed class NodeDrain
{
    private volatile bool _begun;

    public bool IsDraining => _begun;

    public void Begin() => _begun = true;
}
