using System.Diagnostics;
using System.Net.WebSockets;
using Hub.Tests.Cluster;
using Hub.Tests.Support;

namespace Hub.Tests.Faults;

/// <summary>
/// A node whose clients would take every descriptor it may open. Before the node kept below its open-files limit,
/// <c>accept()</c> failed with <c>EMFILE</c> over and over at the limit, the process's memory climbed about 20 MB/s
/// and some runs ended in "Out of memory".
/// </summary>
public sealed class OpenFilesLimitTests
{
    private const int Limit = 700;
    private static readonly TimeSpan RefusalWait = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task A_node_at_its_open_files_limit_refuses_more_keeps_its_memory_and_serves_once_connections_close()
    {
        await using var hub = await HubProcess.StartAsync(string.Empty, Limit, "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Hub.Host.Transport=Information", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information");
        var open = new List<ClientWebSocket>();
        try
        {
            var refused = 0;
            for (var i = 0; i < Limit + 50 && refused == 0; i++)
            {
                if (await TryConnectAsync(hub.WebSocketUri) is { } socket)
                {
                    open.Add(socket);
                }
                else
                {
                    refused++;
                }
            }

            Assert.True(refused > 0, $"all {open.Count} connections were taken under a limit of {Limit}");
            Assert.InRange(open.Count, 1, Limit - 256);

            // Clients keep knocking at the full node for a while: what used to spin the accept loop.
            var before = Resident(hub.Id);
            var knocking = Stopwatch.StartNew();
            while (knocking.Elapsed < Hold)
            {
                using var extra = await TryConnectAsync(hub.WebSocketUri);
                Assert.Null(extra);
            }

            Assert.False(hub.HasExited, hub.Output);
            var grown = Resident(hub.Id) - before;
            Assert.True(grown < 64L << 20, $"resident memory grew {grown >> 20} MiB in {Hold} at the limit");

            foreach (var socket in open.Take(10))
            {
                socket.Abort();
                socket.Dispose();
            }

            open.RemoveRange(0, 10);
            RawSocket? caller = null;
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    caller = await RawSocket.ConnectAsync(hub.WebSocketUri);
                    return true;
                }
                catch (WebSocketException)
                {
                    return false; // the aborted connections are not all closed on the node yet
                }
            });
            await using var _ = caller!;
            Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":\"pong\",\"id\":1}", await caller!.CallAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}"));
            Assert.Contains($"Open-files limit {Limit}", hub.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var socket in open)
            {
                socket.Abort();
                socket.Dispose();
            }
        }
    }

    /// <summary>A connected WebSocket, or null when the node refused it (503, closed) or left it waiting.</summary>
    private static async Task<ClientWebSocket?> TryConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(RefusalWait);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
            return socket;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            socket.Dispose();
            return null;
        }
    }

    private static long Resident(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
