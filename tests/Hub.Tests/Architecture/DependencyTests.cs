using System.Reflection;
using Akka.Actor;

namespace Hub.Tests.Architecture;

/// <summary>The layering rules of STYLE.md: the engine has no ASP.NET Core, the client no Akka, the protocol model (one, shared by both) neither.</summary>
public sealed class DependencyTests
{
    private static readonly Assembly Engine = typeof(HubBuilder).Assembly;
    private static readonly Assembly Client = typeof(Hub.Client.HubClient).Assembly;
    private static readonly Assembly Protocol = typeof(Hub.Protocol.JsonRpcParser).Assembly;

    [Fact]
    public void Engine_references_no_AspNetCore_assembly()
    {
        var references = Engine.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void Client_references_no_Akka_assembly()
    {
        var references = Client.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Akka", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void Client_grants_no_internals()
    {
        Assert.Empty(Client.GetCustomAttributes<System.Runtime.CompilerServices.InternalsVisibleToAttribute>());
    }

    [Fact]
    public void Protocol_uses_no_Akka_or_AspNetCore_type()
    {
        var references = Protocol.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var offenders = Protocol.GetTypes()
            .SelectMany(t => TypeDependencies.UsedBy(t).Select(used => (t, used)))
            .Where(pair => pair.used.Assembly == typeof(ActorSystem).Assembly || (pair.used.Namespace?.StartsWith("Akka", StringComparison.Ordinal) ?? false))
            .Select(pair => $"{pair.t.Name} uses {pair.used.FullName}")
            .ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Akka", StringComparison.Ordinal) || name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Empty(offenders);
    }

    [Fact]
    public void Engine_and_client_share_one_protocol_model()
    {
        string[] shared = ["HubRpcException", "JsonRpcErrorCodes", "JsonRpcErrorCode", "JsonRpcParser", "JsonRpcEncoder", "JsonRpcError"];

        var elsewhere = Engine.GetTypes().Concat(Client.GetTypes()).Where(t => shared.Contains(t.Name)).Select(t => t.FullName).ToList();

        Assert.Empty(elsewhere);
        Assert.Same(Protocol, typeof(HubRpcException).Assembly);
        Assert.Contains(Engine.GetReferencedAssemblies(), a => a.Name == Protocol.GetName().Name);
        Assert.Contains(Client.GetReferencedAssemblies(), a => a.Name == Protocol.GetName().Name);
    }
}
