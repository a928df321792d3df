using Akka.Actor;

namespace Hub;

/// <summary>Registers a started <see cref="HubRuntime"/> as an Akka extension, so actors can find it from their system.</summary>
internal sealed class HubRuntimeExtension(HubRuntime runtime) : ExtensionIdProvider<HubRuntime>
{
    public override HubRuntime CreateExtension(ExtendedActorSystem system) => runtime;
}
