using Akka.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Host.Diagnostics;

/// <summary><c>/healthz</c>: the process serves. <c>/readyz</c>: the hub runs and this node is an Up cluster member.</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", (HubRuntimeHolder holder) =>
        {
            if (!holder.Ready.IsCompletedSuccessfully)
            {
                return Results.Text("starting", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            var runtime = holder.Ready.Result;
            var status = Akka.Cluster.Cluster.Get(runtime.System).SelfMember.Status;
            return status == MemberStatus.Up && !runtime.IsDraining
                ? Results.Text("ready")
                : Results.Text(runtime.IsDraining ? "shutting down" : "member " + status, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
    }
}
