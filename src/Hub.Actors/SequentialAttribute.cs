namespace Hub;

/// <summary>
/// Calls of this method from one connection run one at a time, in the order they arrived (as
/// <see cref="HubBuilder.Sequential"/>). On a class registered with <see cref="HubBuilder.AddMethods"/> or
/// <see cref="HubBuilder.AddMethodActor{TActor}"/>, it applies to all its methods.
/// </summary>
/// <example>
/// <code>hub.AddMethod("send", [Sequential] (string text, HubCallContext call) => call.NotifyAsync("chat", new { text }));</code>
/// </example>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class SequentialAttribute : Attribute;
