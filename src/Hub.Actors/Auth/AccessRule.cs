namespace Hub.Auth;

/// <summary>
/// Who may use a method or topic: all conditions must hold. Built at registration from attributes and the fluent
/// <c>Require*</c> calls; what a caller may not use is invisible to it (PROTOCOL.md section 8).
/// </summary>
internal sealed class AccessRule
{
    private readonly List<Func<HubUser, bool>> _tests = [];
    private readonly SortedSet<string> _permissions = new(StringComparer.Ordinal);

    public static AccessRule Open { get; } = new();

    public bool RequiresLogin { get; private set; }

    public IReadOnlyCollection<string> Permissions => _permissions;

    /// <summary>True when a predicate beyond login and permissions applies (it can be checked only where the rule lives).</summary>
    public bool HasTests => _tests.Count > 0;

    /// <summary>For the rule of a method served on another node: it has tests there, which this node cannot run.</summary>
    public bool TestedElsewhere { get; private init; }

    public bool IsOpen => !RequiresLogin && _permissions.Count == 0 && _tests.Count == 0;

    // Checked on every call: an open rule (the usual case) costs a field read, not an enumerator of the set.
    public bool Allows(HubUser user) => IsOpen || (AllowsDeclared(user) && PassesTests(user));

    // Apart from Allows, so the closure over the user is made only when a rule has tests.
    private bool PassesTests(HubUser user) => _tests.TrueForAll(test => test(user));

    /// <summary>The part of a rule another node can check: login and permissions (tests run on the serving node).</summary>
    public bool AllowsDeclared(HubUser user) =>
        (!RequiresLogin || user.IsAuthenticated) && (_permissions.Count == 0 || _permissions.All(user.HasPermission));

    public AccessRule RequireLogin()
    {
        RequiresLogin = true;
        return this;
    }

    public AccessRule RequirePermission(string permission)
    {
        ArgumentException.ThrowIfNullOrEmpty(permission);
        RequiresLogin = true;
        _permissions.Add(permission);
        return this;
    }

    public AccessRule Require(Func<HubUser, bool> test)
    {
        ArgumentNullException.ThrowIfNull(test);
        _tests.Add(test);
        return this;
    }

    /// <summary>Adds the rules of <c>[LoginRequired]</c>, <c>[PermissionRequired]</c> and <c>[UserPassesTest]</c> found on <paramref name="provider"/>.</summary>
    public AccessRule AddAttributes(System.Reflection.ICustomAttributeProvider? provider)
    {
        if (provider is null)
        {
            return this;
        }

        foreach (var attribute in provider.GetCustomAttributes(inherit: true))
        {
            switch (attribute)
            {
                case LoginRequiredAttribute:
                    RequireLogin();
                    break;
                case PermissionRequiredAttribute permission:
                    RequirePermission(permission.Permission);
                    break;
                case UserPassesTestAttribute passes:
                    var test = passes.CreateTest();
                    Require(test.Test);
                    break;
            }
        }

        return this;
    }

    /// <summary>
    /// The declared part of a rule, for a method served on another node: its tests run there
    /// (<paramref name="testedElsewhere"/>), never here.
    /// </summary>
    public static AccessRule Declared(bool requiresLogin, IEnumerable<string> permissions, bool testedElsewhere)
    {
        var rule = new AccessRule { TestedElsewhere = testedElsewhere };
        if (requiresLogin)
        {
            rule.RequireLogin();
        }

        foreach (var permission in permissions)
        {
            rule.RequirePermission(permission);
        }

        return rule;
    }
}
