namespace Hub.Host;

/// <summary>The <see cref="IHub"/> in DI: forwards to the engine once Akka.Hosting has started it.</summary>
internal sealed class DeferredHub(HubRuntimeHolder holder) : IHub
{
    public async Task NotifyAsync(string topic, object? data, bool retain = false, CancellationToken cancellationToken = default)
    {
        var runtime = await holder.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        await runtime.NotifyAsync(topic, data, retain, cancellationToken).ConfigureAwait(false);
    }
}
