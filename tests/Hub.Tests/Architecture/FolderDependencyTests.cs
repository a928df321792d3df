using System.Reflection;
using Hub.Connections;
using Hub.Engine;
using Hub.Methods;

namespace Hub.Tests.Architecture;

/// <summary>
/// The folders of <c>Hub.Actors</c> (one namespace each) and which may use which, read from the compiled engine:
/// every type's fields, signatures, base types, generic arguments and constraints, attributes and method bodies
/// (<see cref="TypeDependencies"/>), a nested or compiler-generated type counting for the folder of the type it is
/// declared in. docs/architecture.md ("Layers") shows the same table.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly Assembly Engine = typeof(HubBuilder).Assembly;

    /// <summary>Each folder and the folders it may use: lowest first, each using only folders listed before it.</summary>
    private static readonly Dictionary<string, string[]> MayUse = new(StringComparer.Ordinal)
    {
        // Users and their rules; metrics and log text. Neither knows anything else of the engine.
        ["Hub.Auth"] = [],
        ["Hub.Diagnostics"] = [],

        // The public API: HubBuilder, HubCallContext, IHub, HubSettings, the attributes.
        ["Hub"] = ["Hub.Auth"],

        // What crosses nodes: the method directory, the size rule, retained values, the pub/sub bridge. It carries
        // the features' messages without naming them (IClusterMessage).
        ["Hub.Cluster"] = ["Hub", "Hub.Auth", "Hub.Diagnostics"],

        // Method actors, and the local topic engine.
        ["Hub.Methods"] = ["Hub", "Hub.Auth", "Hub.Diagnostics", "Hub.Cluster"],
        ["Hub.Topics"] = ["Hub", "Hub.Auth", "Hub.Diagnostics", "Hub.Cluster"],

        // One actor per client: parses, admits, routes to methods, subscribes to topics.
        ["Hub.Connections"] = ["Hub", "Hub.Auth", "Hub.Diagnostics", "Hub.Cluster", "Hub.Methods", "Hub.Topics"],

        // The wire format of every message that crosses nodes, so it names them all.
        ["Hub.Cluster.Serialization"] = ["Hub", "Hub.Auth", "Hub.Cluster", "Hub.Methods", "Hub.Topics", "Hub.Connections"],

        // The composition root: starts the actors and hands each what it uses.
        ["Hub.Engine"] = ["Hub", "Hub.Auth", "Hub.Diagnostics", "Hub.Cluster", "Hub.Methods", "Hub.Topics", "Hub.Connections"],
    };

    /// <summary>
    /// The public API spans the root and <c>Methods/</c> since its first release: <c>AddMethodActor&lt;TActor&gt;</c>
    /// constrains <c>TActor</c> to <see cref="MethodActor"/>, whose calls carry a root <see cref="HubCallContext"/>;
    /// and the builder checks a handler's signature at registration with the <see cref="MethodHandler"/> that will
    /// run it, and turns its registrations into <see cref="MethodDefinition"/>s. Nothing else in the root names
    /// <c>Methods/</c>.
    /// </summary>
    private static readonly (Type Type, Type Used)[] BuilderNamesMethods =
    [
        (typeof(HubBuilder), typeof(MethodActor)),
        (typeof(HubBuilder), typeof(MethodHandler)),
        (typeof(HubBuilder), typeof(MethodDefinition)),
    ];

    private static readonly (Type Type, Type Used)[] Exceptions = BuilderNamesMethods;

    [Fact]
    public void Every_folder_of_the_engine_is_placed_in_the_table()
    {
        var folders = DeclaredTypes().Select(t => t.Namespace!).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(MayUse.Keys.Order(StringComparer.Ordinal), folders);
    }

    [Fact]
    public void Folders_use_only_the_folders_the_table_allows()
    {
        var offenders = Dependencies()
            .Where(d => !MayUse[Folder(d.Type)].Contains(Folder(d.Used)) && !Exceptions.Contains(d))
            .Select(d => $"{Folder(d.Type)} -> {Folder(d.Used)}: {d.Type.FullName} -> {d.Used.FullName}")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(offenders.Count == 0, "Not allowed by the table:" + Environment.NewLine + string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void Folders_depend_on_each_other_without_cycles()
    {
        var dependencies = Dependencies().Where(d => !Exceptions.Contains(d)).ToList();
        var graph = dependencies.GroupBy(d => Folder(d.Type)).ToDictionary(g => g.Key, g => g.Select(d => Folder(d.Used)).Distinct().ToArray(), StringComparer.Ordinal);

        var cycles = Cycles(graph)
            .Select(cycle => string.Join(" <-> ", cycle) + ":" + Environment.NewLine + string.Join(
                Environment.NewLine,
                dependencies.Where(d => cycle.Contains(Folder(d.Type)) && cycle.Contains(Folder(d.Used))).Select(d => $"  {d.Type.FullName} -> {d.Used.FullName}").Order(StringComparer.Ordinal)))
            .ToList();

        Assert.Empty(Cycles(MayUse));
        Assert.True(cycles.Count == 0, "Folders that use each other:" + Environment.NewLine + string.Join(Environment.NewLine, cycles));
    }

    [Fact]
    public void Exceptions_name_only_dependencies_that_exist()
    {
        var dependencies = Dependencies().ToHashSet();

        var stale = Exceptions.Where(e => !dependencies.Contains(e)).Select(e => $"{e.Type.FullName} -> {e.Used.FullName}").ToList();

        Assert.True(stale.Count == 0, "Listed as exceptions but no longer used (delete them):" + Environment.NewLine + string.Join(Environment.NewLine, stale));
    }

    [Fact]
    public void Dependencies_include_what_only_a_method_body_or_attribute_names()
    {
        var used = TypeDependencies.UsedBy(typeof(BodyOnly)).ToList();
        var closure = typeof(BodyOnly).GetNestedTypes(BindingFlags.NonPublic).Single(t => t.Name.Contains("DisplayClass", StringComparison.Ordinal));

        Assert.Contains(typeof(Uri), used);
        Assert.Contains(typeof(ObsoleteAttribute), used);
        Assert.Contains(typeof(Version), TypeDependencies.UsedBy(closure));
        Assert.Equal(typeof(BodyOnly), TypeDependencies.Owner(closure));
    }

    /// <summary>The engine's own types (compiler-generated ones outside any declared type aside: anonymous types, array initializers).</summary>
    private static IEnumerable<Type> DeclaredTypes() =>
        Engine.GetTypes().Where(t => t.Namespace is not null && !TypeDependencies.IsCompilerGenerated(TypeDependencies.Owner(t)) && !IsEmbeddedByCompiler(t));

    /// <summary>Every use of one engine folder's type by another's, as (using type, used type).</summary>
    private static IEnumerable<(Type Type, Type Used)> Dependencies() =>
        DeclaredTypes()
            .SelectMany(t => TypeDependencies.UsedBy(t).Select(used => (Type: TypeDependencies.Owner(t), Used: used)))
            .Where(d => d.Used.Assembly == Engine && d.Used.Namespace is not null && !IsEmbeddedByCompiler(d.Used) && Folder(d.Type) != Folder(d.Used))
            .Distinct();

    /// <summary>Attributes the compiler writes into the assembly (<c>NullableAttribute</c>, <c>EmbeddedAttribute</c>...).</summary>
    private static bool IsEmbeddedByCompiler(Type type) =>
        type.Namespace is "System.Runtime.CompilerServices" or "Microsoft.CodeAnalysis" or "System.Diagnostics.CodeAnalysis";

    private static string Folder(Type type) => type.Namespace!;

    /// <summary>The strongly connected parts of more than one folder (Tarjan), each sorted.</summary>
    private static List<string[]> Cycles(IReadOnlyDictionary<string, string[]> graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var cycles = new List<string[]>();

        void Visit(string folder)
        {
            index[folder] = low[folder] = index.Count;
            stack.Push(folder);
            foreach (var next in graph.GetValueOrDefault(folder, []))
            {
                if (!index.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[folder] = Math.Min(low[folder], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[folder] = Math.Min(low[folder], seen);
                }
            }

            if (low[folder] == index[folder])
            {
                var part = new List<string>();
                string top;
                do
                {
                    top = stack.Pop();
                    part.Add(top);
                }
                while (top != folder);

                if (part.Count > 1)
                {
                    cycles.Add([.. part.Order(StringComparer.Ordinal)]);
                }
            }
        }

        foreach (var folder in graph.Keys.Order(StringComparer.Ordinal).Where(f => !index.ContainsKey(f)))
        {
            Visit(folder);
        }

        return cycles;
    }

    /// <summary>Names <see cref="Uri"/> only in its body, <see cref="Version"/> only in a lambda's closure, <see cref="ObsoleteAttribute"/> only as an attribute.</summary>
    private static class BodyOnly
    {
        [Obsolete("Only read, never called.")]
        public static string Make(string text)
        {
            var major = text.Length;
            Func<object> later = () => new Version(major, 0);
            return new Uri(text).Host + later();
        }
    }
}
