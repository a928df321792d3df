namespace Hub.Tests.Conformance;

/// <summary>
/// One step of a sequence: send <see cref="Send"/> on <see cref="Conn"/> (when not null), then match
/// <see cref="Expect"/> within <see cref="Timeout"/>, or, when it is empty, check that nothing arrives.
/// </summary>
internal sealed record SequenceStep(
    string? Conn,
    string? Send,
    IReadOnlyList<ExpectedFrame> Expect,
    bool ExpectAnyOrder,
    bool SkipNotifications,
    TimeSpan Timeout);
