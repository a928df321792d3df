using Hub.Engine;

namespace Hub.Host;

/// <summary>
/// Hands the engine to the endpoints once Akka.Hosting has started the actor system and the hub on it;
/// requests that arrive earlier wait for it.
/// </summary>
internal sealed class HubRuntimeHolder
{
    private readonly TaskCompletionSource<HubRuntime> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<HubRuntime> Ready => _ready.Task;

    public void Set(HubRuntime runtime) => _ready.TrySetResult(runtime);
}
