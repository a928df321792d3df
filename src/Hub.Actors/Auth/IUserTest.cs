namespace Hub.Auth;

/// <summary>A custom access check for <see cref="UserPassesTestAttribute"/>; implementations need a parameterless constructor.</summary>
public interface IUserTest
{
    /// <summary>True when <paramref name="user"/> may use the method.</summary>
    bool Test(HubUser user);
}
