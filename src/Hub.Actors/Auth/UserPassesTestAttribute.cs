namespace Hub.Auth;

/// <summary>
/// Only users for whom <see cref="TestType"/> (an <see cref="IUserTest"/> with a parameterless constructor) answers
/// true may call this method. The test runs on the node that serves the method.
/// </summary>
/// <example>
/// <code>
/// public sealed class IsStaff : IUserTest { public bool Test(HubUser user) => user.IsInRole("staff"); }
/// hub.AddMethod("report", [UserPassesTest(typeof(IsStaff))] () => BuildReport());
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true)]
public sealed class UserPassesTestAttribute(Type testType) : Attribute
{
    /// <summary>The <see cref="IUserTest"/> type.</summary>
    public Type TestType { get; } = testType;

    internal IUserTest CreateTest() =>
        Activator.CreateInstance(TestType) as IUserTest
        ?? throw new ArgumentException($"{TestType} does not implement {nameof(IUserTest)}.");
}
