using System.Collections.Frozen;
using Hub.Auth;

namespace Hub.Topics;

/// <summary>The declared topics, and who may subscribe to each.</summary>
internal sealed class TopicCatalog
{
    private readonly FrozenDictionary<string, AccessRule> _access;
    private readonly string[] _names;

    public TopicCatalog(IEnumerable<(string Name, AccessRule Access)> topics)
    {
        _access = topics.ToFrozenDictionary(t => t.Name, t => t.Access, StringComparer.Ordinal);
        _names = [.. _access.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every declared topic, sorted by ordinal comparison.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>True when <paramref name="name"/> is a declared topic that <paramref name="user"/> may subscribe to.</summary>
    public bool IsTopic(string name, HubUser user) => _access.TryGetValue(name, out var access) && access.Allows(user);

    /// <summary><c>get_topics</c>: the declared topics <paramref name="user"/> may subscribe to, sorted by ordinal comparison.</summary>
    public IEnumerable<string> Visible(HubUser user) => _names.Where(t => _access[t].Allows(user));
}
