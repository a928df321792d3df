using Hub.Protocol;

namespace Hub.Connections;

/// <summary>
/// Where the answer to one call goes: its <see cref="Id"/> (none for a notification, which gets no reply) and, for a
/// call that came in a batch, its <see cref="Slot"/> in the <see cref="Batch"/>'s reply.
/// </summary>
internal readonly record struct ReplyTo(RequestId? Id, BatchReply? Batch = null, int Slot = -1);
