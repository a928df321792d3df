namespace Hub.Tests.Conformance;

/// <summary>What a step does with a frame that arrived on a connection it reads.</summary>
internal enum FrameOutcome
{
    /// <summary>The frame matched a pending entry, which is now done.</summary>
    Matched,

    /// <summary>The frame is a topic notification matching no entry, and the step skips notifications.</summary>
    Dropped,

    /// <summary>The frame matches no pending entry: the step fails.</summary>
    Unexpected,
}
