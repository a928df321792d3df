namespace Hub;

/// <summary>
/// Marks a method parameter of type <c>JToken?</c> that receives the request's <c>params</c> exactly as sent
/// (an array, an object, or null when absent). A method with such a parameter takes any params: no other
/// parameter is bound from them.
/// </summary>
/// <example>
/// <code>hub.AddMethod("echo", ([RawParams] JToken? p) => p);</code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class RawParamsAttribute : Attribute;
