namespace Hub.Bench.Load;

/// <summary>Splits one WebSocket message into records: SignalR may pack several (each ending in 0x1e), the others send one.</summary>
internal ref struct RecordReader(WireDialect dialect, ReadOnlySpan<byte> message)
{
    private ReadOnlySpan<byte> _rest = message;

    public bool TryNext(out ReadOnlySpan<byte> record)
    {
        if (dialect != WireDialect.SignalR)
        {
            record = _rest;
            _rest = default;
            return !record.IsEmpty;
        }

        while (!_rest.IsEmpty)
        {
            var end = _rest.IndexOf(Wire.RecordSeparator);
            record = end < 0 ? _rest : _rest[..end];
            _rest = end < 0 ? default : _rest[(end + 1)..];
            if (!record.IsEmpty)
            {
                return true;
            }
        }

        record = default;
        return false;
    }
}
