namespace Hub.Tests.Fuzz;

/// <summary>The kinds of message a frame or batch entry is read as (PROTOCOL.md section 3).</summary>
internal enum EntryKind
{
    Request,
    Notification,
    Invalid,
    ClientReply,
}
