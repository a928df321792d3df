using Akka.Actor;
using Hub.Connections;
using Hub.Host.Auth;
using Hub.Host.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hub.Host.Http;

/// <summary>
/// <c>POST /rpc</c>: one message or batch per request, answered <c>200</c> with the reply, or <c>204</c> when there is
/// nothing to reply (PROTOCOL.md section 1). Each request runs through a short-lived connection actor, so HTTP
/// and WebSocket share one dispatch path. A client that goes away mid-call is routine: logged at Debug, and the
/// call's actor is stopped.
/// </summary>
internal sealed class HttpRpcEndpoint(HubRuntimeHolder holder, IOptions<HubHostOptions> options, ILogger<HttpRpcEndpoint> logger)
{
    private readonly HubHostOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await ServeAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            // IOException covers Kestrel's ConnectionResetException and BadHttpRequestException (body cut short).
            HttpRpcEndpointLog.Aborted(logger, context.TraceIdentifier, ex.Message);
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

        var (allowed, user) = await HubAuthentication.AuthenticateAsync(context, _options.Auth).ConfigureAwait(false);
        if (!allowed)
        {
            return;
        }

        var body = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

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
            opened.Connection.Tell(new ConnectionProtocol.InboundFrame(body));
            end = await transport.Response.ConfigureAwait(false);
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            HttpRpcEndpointLog.Aborted(logger, context.TraceIdentifier, $"closed with {end.Code} while the hub answered");
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

    /// <summary>The whole body, or null when it is longer than the message limit.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxMessageBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
