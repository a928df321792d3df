using System.Diagnostics;
using System.Net.WebSockets;

namespace Hub.Client;

// The connection's life: state changes, losing a connection, reconnecting with backoff, resubscribing, stopping.
public sealed partial class HubClient
{
    // Everything below is guarded by _stateGate, which is never held across an await.
    private readonly Lock _stateGate = new();
    private HubConnectionState _state = HubConnectionState.Disconnected;
    private bool _started;
    private bool _stopped;
    private bool _disposed;
    private ClientConnection? _connection;
    private ClientConnection? _lastConnection;
    private TaskCompletionSource<ClientConnection> _connected = NewConnectedSource();
    private HubConnectionException? _stoppedError;
    private Task _reconnectLoop = Task.CompletedTask;

    // Only the reconnect loop (one at a time) and TryPublish touch it.
    private int _policyStreak;

    /// <summary>Called by a connection's receive loop once it has ended and failed its pending calls.</summary>
    internal void OnConnectionEnded(ClientConnection connection)
    {
        var reason = connection.TerminationMessage;
        lock (_stateGate)
        {
            // A connection never put in service (a failed reconnect attempt), or one already replaced.
            if (!ReferenceEquals(_connection, connection))
            {
                return;
            }

            _connection = null;
            if (_reconnect.Enabled)
            {
                _connected = NewConnectedSource();
                SetStateLocked(HubConnectionState.Reconnecting, reason, connection.Endpoint, connection, connection.TerminationCause);
                _reconnectLoop = Task.Run(() => ReconnectLoopAsync(connection));
            }
            else
            {
                StopLocked(reason, connection, connection.TerminationCause, connection.CreateException(), completeClosed: true);
            }
        }

        // With reconnecting on, the loop logs the loss itself, so it comes before anything the loop logs.
        if (!_reconnect.Enabled)
        {
            HubClientLog.Stopped(_logger, connection.Endpoint, reason);
        }
    }

    /// <summary>The connection to send on: the one in service, or (by option) the next one, once reconnected.</summary>
    /// <summary>The connection in service, or <see langword="null"/> while there is none.</summary>
    private ClientConnection? TryGetConnection()
    {
        lock (_stateGate)
        {
            return _connection;
        }
    }

    private async Task<ClientConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        Task<ClientConnection> next;
        lock (_stateGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is { } current)
            {
                return current;
            }

            if (_state == HubConnectionState.Disconnected)
            {
                throw StoppedExceptionLocked();
            }

            if (_callsWhileReconnecting == CallsWhileReconnecting.FailFast)
            {
                throw new HubConnectionException(
                    _state == HubConnectionState.Connecting
                        ? "The client is still connecting, and calls fail fast (CallsWhileReconnecting.FailFast)."
                        : "The client is reconnecting, and calls fail fast (CallsWhileReconnecting.FailFast).",
                    _lastConnection?.CloseStatus,
                    _lastConnection?.CloseDescription,
                    httpStatusCode: null,
                    innerException: null);
            }

            next = _connected.Task;
        }

        return await next.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws unless calls may be made: disposed, stopped for good, or not started.</summary>
    private void ThrowIfUnusable()
    {
        lock (_stateGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state == HubConnectionState.Disconnected)
            {
                throw StoppedExceptionLocked();
            }
        }
    }

    private Exception StoppedExceptionLocked()
    {
        if (_stoppedError is not { } error)
        {
            return new InvalidOperationException("The client is not connected yet: call StartAsync first.");
        }

        // A fresh exception each time: one instance thrown from many places would mix their stack traces.
        return new HubConnectionException(error.Message, error.CloseStatus, error.CloseDescription, error.HttpStatusCode, error.InnerException);
    }

    private async Task ReconnectLoopAsync(ClientConnection lost)
    {
        HubClientLog.Lost(_logger, lost.Endpoint, lost.CloseStatus, lost.CloseDescription, lost.TerminationCause);

        // A close for policy or protocol reasons goes on counting from the attempts before (see ReconnectPolicy), so a
        // server that accepts and closes again at once is not hammered; anything else starts afresh.
        var policyClose = lost.CloseStatus is { } status && IsPolicyClose(status) && lost.Uptime < _reconnect.MaxDelay;
        var attempt = policyClose ? _policyStreak + 1 : 1;
        var prompt = lost.CloseStatus == WebSocketCloseStatus.EndpointUnavailable;
        var started = Stopwatch.GetTimestamp();
        var index = (Array.IndexOf(_endpoints, lost.Endpoint) + 1) % _endpoints.Length;
        Exception lastError = lost.CreateException();
        while (Volatile.Read(ref _disposeStarted) == 0)
        {
            if (_reconnect.MaxAttempts is { } maxAttempts && attempt > maxAttempts)
            {
                GiveUp($"{maxAttempts} attempts in a row failed.", lost, lastError);
                return;
            }

            // 1001: the node is going away, others are likely up; try the next one at once.
            var delay = prompt && attempt == 1 ? TimeSpan.Zero : _reconnect.GetDelay(attempt);
            if (_reconnect.MaxElapsed is { } limit && Stopwatch.GetElapsedTime(started) + delay > limit)
            {
                GiveUp($"not reconnected within {limit}.", lost, lastError);
                return;
            }

            var endpoint = _endpoints[index];
            ClientConnection? candidate = null;
            try
            {
                HubClientLog.Attempt(_logger, attempt, endpoint, delay);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _lifetime.Token).ConfigureAwait(false);
                }

                candidate = await OpenConnectionAsync(endpoint, _lifetime.Token).ConfigureAwait(false);

                // Topics first, calls after: a call released by Connected finds its subscriptions in place.
                await ResubscribeAsync(candidate).ConfigureAwait(false);
                if (TryPublish(candidate, $"Reconnected to {endpoint} (attempt {attempt}).", attempt))
                {
                    candidate = null;
                    return;
                }

                lastError = candidate.CreateException();
            }
            catch (Exception) when (Volatile.Read(ref _disposeStarted) != 0)
            {
                return;
            }
            catch (Exception e)
            {
                lastError = e;
                HubClientLog.AttemptFailed(_logger, attempt, endpoint, e);
            }
            finally
            {
                candidate?.Abort();
            }

            attempt++;
            index = (index + 1) % _endpoints.Length;
        }
    }

    private static bool IsPolicyClose(WebSocketCloseStatus status) =>
        status is WebSocketCloseStatus.ProtocolError
            or WebSocketCloseStatus.InvalidMessageType
            or WebSocketCloseStatus.InvalidPayloadData
            or WebSocketCloseStatus.PolicyViolation
            or WebSocketCloseStatus.MessageTooBig
            or WebSocketCloseStatus.MandatoryExtension;

    /// <summary>Puts a new connection in service, unless it has ended already or the client is disposed.</summary>
    private bool TryPublish(ClientConnection connection, string reason, int attempt)
    {
        lock (_stateGate)
        {
            if (_disposed || connection.IsTerminated)
            {
                return false;
            }

            _connection = _lastConnection = connection;
            _policyStreak = attempt;
            connection.MarkConnected();
            SetStateLocked(HubConnectionState.Connected, reason, connection.Endpoint, ended: null, exception: null);
            _connected.TrySetResult(connection);
        }

        HubClientLog.Connected(_logger, connection.Endpoint);
        return true;
    }

    private void GiveUp(string reason, ClientConnection lost, Exception lastError)
    {
        var message = "Gave up reconnecting: " + reason;
        lock (_stateGate)
        {
            if (_disposed)
            {
                return;
            }

            var error = new HubConnectionException(message, lost.CloseStatus, lost.CloseDescription, (lastError as HubConnectionException)?.HttpStatusCode, lastError);
            StopLocked(message, lost, lastError, error, completeClosed: true);
        }

        HubClientLog.GaveUp(_logger, reason, lastError);
    }

    private void Stop(string reason, ClientConnection? ended, Exception? exception, HubConnectionException error)
    {
        lock (_stateGate)
        {
            StopLocked(reason, ended, exception, error, completeClosed: true);
        }
    }

    /// <summary>The end: state Disconnected for good, waiting calls and streams released, loops told to finish.</summary>
    private void StopLocked(string reason, ClientConnection? ended, Exception? exception, HubConnectionException error, bool completeClosed)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _stoppedError = error;
        _connection = null;
        if (_state != HubConnectionState.Disconnected)
        {
            SetStateLocked(HubConnectionState.Disconnected, reason, ended?.Endpoint, ended, exception);
        }

        _connected.TrySetException(StoppedExceptionLocked());

        // Nobody may be waiting on it; reading the exception keeps it from being reported as unobserved.
        _ = _connected.Task.Exception;
        _events.Writer.TryComplete();
        _dispatch.Writer.TryComplete();
        EndStreams(_disposed ? null : StoppedExceptionLocked());
        if (completeClosed)
        {
            _closed.TrySetResult();
        }
    }

    private void SetStateLocked(HubConnectionState state, string reason, Uri? endpoint, ClientConnection? ended, Exception? exception)
    {
        var previous = _state;
        _state = state;
        _events.Writer.TryWrite(new HubStateChangedEventArgs(previous, state, reason, endpoint, ended?.CloseStatus, ended?.CloseDescription, exception));
    }

    private async Task EventLoopAsync()
    {
        await foreach (var change in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                StateChanged?.Invoke(this, change);
            }
            catch (Exception e)
            {
                HubClientLog.StateHandlerFailed(_logger, e);
            }
        }
    }

    private static TaskCompletionSource<ClientConnection> NewConnectedSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
