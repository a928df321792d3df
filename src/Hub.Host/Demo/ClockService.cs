using System.Globalization;
using Microsoft.Extensions.Hosting;

namespace Hub.Host.Demo;

/// <summary>Publishes <c>{"time":"2026-11-24T14:57:38.123Z"}</c> to the demo topic <c>clock</c> every second.</summary>
internal sealed class ClockService(IHub hub) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var time = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            await hub.NotifyAsync("clock", new { time }, cancellationToken: stoppingToken).ConfigureAwait(false);
        }
    }
}
