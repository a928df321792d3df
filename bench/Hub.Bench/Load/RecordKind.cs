namespace Hub.Bench.Load;

/// <summary>What one received record is, as far as the load generator cares.</summary>
internal enum RecordKind
{
    Reply,
    Error,
    Notification,
    Other,
}
