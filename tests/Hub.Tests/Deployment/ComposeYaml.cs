using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hub.Tests.Deployment;

/// <summary>
/// A compose file read by YamlDotNet, as plain values the tests can match on: a mapping is a
/// <see cref="Dictionary{TKey, TValue}"/>, a list a <see cref="List{T}"/>, a scalar its text as written
/// (<c>true</c> and <c>4053</c> stay strings), an empty or <c>null</c> plain scalar null.
/// </summary>
internal static class ComposeYaml
{
    public static Dictionary<string, object?> Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents is [var document] && Value(document.RootNode) is Dictionary<string, object?> root
            ? root
            : throw new FormatException("The document is not one mapping.");
    }

    private static object? Value(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(pair => Key(pair.Key), pair => Value(pair.Value), StringComparer.Ordinal),
        YamlSequenceNode sequence => sequence.Children.Select(Value).ToList(),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" } => null,
        YamlScalarNode scalar => scalar.Value,
        _ => throw new FormatException($"{node.Start}: a {node.NodeType} node is not a compose value."),
    };

    private static string Key(YamlNode node) =>
        node is YamlScalarNode { Value: { } key } ? key : throw new FormatException($"{node.Start}: a mapping key is not a scalar.");
}
