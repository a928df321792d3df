using Hub.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.Client;

/// <summary>One entry a <see cref="CapturingLogger"/> took, numbered in order.</summary>
internal sealed record LogEntry(int Index, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>A logger for <see cref="Hub.Client.HubClientOptions.Logger"/> that keeps every entry, at every level, for a test to wait for.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<LogEntry> _entries = [];
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Found)> _waiters = [];

    /// <summary>Every entry so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            var entry = new LogEntry(_entries.Count, logLevel, eventId, formatter(state, exception), exception);
            _entries.Add(entry);
            foreach (var waiter in _waiters.Where(w => w.Match(entry)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(entry);
            }
        }
    }

    /// <summary>The first entry (already logged or to come) that <paramref name="match"/> accepts; bounded by <see cref="Waits.Max"/>.</summary>
    public Task<LogEntry> WaitForAsync(Func<LogEntry, bool> match)
    {
        lock (_gate)
        {
            if (_entries.FirstOrDefault(match) is { } found)
            {
                return Task.FromResult(found);
            }

            var waiter = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, waiter));
            return WithinMaxAsync(waiter.Task);
        }
    }

    /// <summary>The entry, or after <see cref="Waits.Max"/> a <see cref="TimeoutException"/> that lists what was logged instead.</summary>
    private async Task<LogEntry> WithinMaxAsync(Task<LogEntry> found)
    {
        try
        {
            return await found.WaitAsync(Waits.Max);
        }
        catch (TimeoutException timedOut)
        {
            var logged = string.Join(Environment.NewLine, Entries.Select(e => $"[{e.Level}] {e.Message}"));
            throw new TimeoutException($"No matching log entry within {Waits.Max}; logged instead:{Environment.NewLine}{logged}", timedOut);
        }
    }
}
