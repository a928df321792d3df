namespace Hub.Auth;

/// <summary>
/// Only logged-in users may call this method (on a delegate, a service method or class, or a method actor class).
/// Others do not see it: it is missing from <c>get_methods</c> and answers <c>-32601</c>.
/// </summary>
/// <example><code>hub.AddMethod("whoami", [LoginRequired] (HubCallContext call) => call.User.Name);</code></example>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class LoginRequiredAttribute : Attribute;
