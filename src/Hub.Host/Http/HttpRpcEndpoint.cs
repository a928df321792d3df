using Akka.Actor;
using Hub.Connections;
using Hub.Host.Auth;
using Hub.Host.Configuration;
using Hub.Host.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Host.Http;

/// <summary>
/// <c>POST /rpc</c>: one message or batch per request, answered <c>200</c> with the reply, or <c>204</c> when there is
/// nothing to reply (PROTOCOL.md section 1). Each request runs through a short-lived connection actor, so HTTP
/// and WebSocket share one dispatch path. At most <see cref="HubHostOptions.MaxConcurrentHttpRequests"/> calls at
/// once (past it 503); a body is counted in the node's <see cref="InboundBudget"/> until the call's actor has parsed
/// it, and must arrive within <see cref="HubHostOptions.MessageAssemblyTimeout"/> (past it 408, or 503 when it was
/// waiting for the budget). A client that goes away mid-call is routine: logged at Debug, and the call's actor is
/// stopped.
/// </summary>
internal sealed class HttpRpcEndpoint(HubRuntimeHolder holder, InboundBudget budget, IOptions<HubHostOptions> options, ILogger<HttpRpcEndpoint> logger)
{
    /// <summary>Where the byte goes that tells whether a body at the size limit goes on; shared and never read.</summary>
    private static readonly byte[] Overflow = new byte[1];

    private readonly HubHostOptions _options = options.Value;
    private readonly Action<long> _release = budget.Release;
    private int _active;

    /// <summary>Calls being served now (each counted from its first line until its answer).</summary>
    public int Active => Volatile.Read(ref _active);

    public async Task HandleAsync(HttpContext context)
    {
        if (Interlocked.Increment(ref _active) > _options.MaxConcurrentHttpRequests)
        {
            Interlocked.Decrement(ref _active);
            HttpRpcEndpointLog.RefusedFull(logger, _options.MaxConcurrentHttpRequests);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        try
        {
            await ServeAsync(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's verdict on the body: cut short (the client went away), under its minimum data rate (408), or
            // malformed (400). An IOException, so caught before the next clause.
            HttpRpcEndpointLog.BodyUnreadable(logger, context.TraceIdentifier, ex.Message, ex.StatusCode);
            if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                context.Response.StatusCode = ex.StatusCode;
            }
        }
        catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            // IOException: the connection failed under a read or write (Kestrel's ConnectionResetException, say).
            HttpRpcEndpointLog.Aborted(logger, context.TraceIdentifier, ex.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        if (request.ContentLength > _options.MaxMessageBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var (allowed, user) = await HubAuthentication.AuthenticateAsync(context, _options).ConfigureAwait(false);
        if (!allowed)
        {
            return;
        }

        var (body, refused) = await ReadBodyAsync(request, context.TraceIdentifier, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            context.Response.StatusCode = refused;
            return;
        }

        // The body's bytes stay counted until the actor has parsed it (it returns the credit), or until the call ends.
        var credit = new InboundCredit(1, _release);
        await credit.TakeAsync(body.Length).ConfigureAwait(false);
        try
        {
            await CallAsync(context, user, body, credit).ConfigureAwait(false);
        }
        finally
        {
            credit.Cancel();
        }
    }

    private async Task CallAsync(HttpContext context, System.Security.Claims.ClaimsPrincipal? user, byte[] body, InboundCredit credit)
    {
        var runtime = await holder.Ready.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        if (runtime.IsDraining)
        {
            // Also once the actor system has ended (a node the cluster downed), when no actor is left to refuse.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var transport = new HttpTransport();
        ConnectionsActor.Opened opened;
        try
        {
            opened = await runtime.OpenAsync(transport, user, isHttp: true).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        HttpCallEnd end;
        using (context.RequestAborted.Register(() => opened.Connection.Tell(PoisonPill.Instance)))
        {
            opened.Connection.Tell(new ConnectionProtocol.InboundFrame(body, credit));
            end = await transport.Response.ConfigureAwait(false);
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            HttpRpcEndpointLog.Aborted(logger, context.TraceIdentifier, "gone while the hub answered");
            return;
        }

        if (end.Code != 1000)
        {
            // 1001: the node began to stop after the call was accepted. Anything else is a bug worth the Error.
            if (end.Code != 1001)
            {
                HttpRpcEndpointLog.EndedAbnormally(logger, opened.ConnectionId, end.Code, end.Reason);
            }

            context.Response.StatusCode = end.Code == 1001 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
            return;
        }

        if (end.Reply is not { } reply)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = reply.Length;
        await context.Response.Body.WriteAsync(reply, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The whole body, its length counted in the budget; or null and the status to answer: 413 when it is longer than
    /// the message limit, 408 when it is not all there within the assembly time limit, 503 when it waited that long
    /// for room in the budget.
    /// </summary>
    private async Task<(byte[]? Body, int Refused)> ReadBodyAsync(HttpRequest request, string traceIdentifier, CancellationToken aborted)
    {
        var expected = request.ContentLength;
        if (expected == 0)
        {
            return ([], 0);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(_options.MessageAssemblyTimeout);
        var max = _options.MaxMessageBytes;
        var assembly = new InboundBuffer(budget);
        var waitingForBudget = false;
        try
        {
            while (assembly.Length != expected)
            {
                if (assembly.IsFull)
                {
                    if (assembly.Length >= max)
                    {
                        // Full at the limit: one more byte means too big, none means it ends here.
                        if (await request.Body.ReadAsync(Overflow, deadline.Token).ConfigureAwait(false) > 0)
                        {
                            return (null, StatusCodes.Status413PayloadTooLarge);
                        }

                        break;
                    }

                    var bytes = assembly.NextSegmentBytes;
                    if (!budget.TryAcquire(bytes, assembly.IsEmpty))
                    {
                        waitingForBudget = true;
                        await budget.AcquireAsync(bytes, assembly.IsEmpty, deadline.Token).ConfigureAwait(false);
                        waitingForBudget = false;
                    }

                    assembly.AddSegment();
                }

                var read = await request.Body.ReadAsync(assembly.Free, deadline.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                assembly.Advance(read);
                if (assembly.Length > max)
                {
                    return (null, StatusCodes.Status413PayloadTooLarge);
                }
            }

            return (assembly.TakeMessage(), 0);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            if (waitingForBudget)
            {
                HttpRpcEndpointLog.NoInboundBudget(logger, traceIdentifier, budget.Limit, _options.MessageAssemblyTimeout);
                return (null, StatusCodes.Status503ServiceUnavailable);
            }

            HttpRpcEndpointLog.BodyTimedOut(logger, traceIdentifier, _options.MessageAssemblyTimeout);
            return (null, StatusCodes.Status408RequestTimeout);
        }
        finally
        {
            // Empty unless the body was refused or the read failed.
            assembly.Clear();
        }
    }
}
