using Microsoft.Extensions.Hosting;

namespace Hub.Host;

/// <summary>
/// Graceful shutdown: when the host begins to stop, the hub stops taking calls (<c>-32004</c>), lets in-flight
/// ones finish up to <c>hub.shutdown-deadline</c>, and closes connections with 1001. It starts on
/// ApplicationStopping, ahead of Kestrel's own stop, which waits for the WebSocket requests this closes; the
/// actor system (and its cluster membership) stops after, in Akka.Hosting's coordinated shutdown. A node the cluster
/// downs goes the other way: its coordinated shutdown drains first (see <c>AddHub</c>), the ended actor system then
/// stops the host, and this finds the drain done.
/// </summary>
internal sealed class HubShutdownService(IHostApplicationLifetime lifetime, HubRuntimeHolder holder) : IHostedService
{
    private Task _drained = Task.CompletedTask;
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(() =>
        {
            if (holder.Ready.IsCompletedSuccessfully)
            {
                _drained = holder.Ready.Result.DrainAsync();
            }
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _registration.DisposeAsync().ConfigureAwait(false);
        await _drained.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
