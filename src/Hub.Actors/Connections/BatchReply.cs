namespace Hub.Connections;

/// <summary>The replies of one batch, in request order; it goes out whole once every request has answered.</summary>
internal sealed class BatchReply(int count)
{
    private int _missing = count;

    public byte[][] Replies { get; } = new byte[count][];

    /// <summary>Files the reply of the request in <paramref name="slot"/>; true when it was the last one missing.</summary>
    public bool Fill(int slot, byte[] reply)
    {
        Replies[slot] = reply;
        return --_missing == 0;
    }
}
