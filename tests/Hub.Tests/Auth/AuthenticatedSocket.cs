using System.Net.WebSockets;
using Hub.Tests.Support;

namespace Hub.Tests.Auth;

/// <summary>Opens raw sockets carrying a token the three ways a client can send one.</summary>
public static class AuthenticatedSocket
{
    public enum Carrier
    {
        Header,
        Query,
        Cookie,
    }

    public static async Task<RawSocket> ConnectAsync(Uri uri, string? token, Carrier carrier = Carrier.Header)
    {
        if (token is null)
        {
            return await RawSocket.ConnectAsync(uri);
        }

        var target = carrier == Carrier.Query ? new Uri(uri + "?access_token=" + Uri.EscapeDataString(token)) : uri;
        return await RawSocket.ConnectAsync(target, configure: options =>
        {
            if (carrier == Carrier.Header)
            {
                options.SetRequestHeader("Authorization", "Bearer " + token);
            }
            else if (carrier == Carrier.Cookie)
            {
                options.Cookies = new System.Net.CookieContainer();
                options.Cookies.Add(new Uri("http://" + uri.Authority), new System.Net.Cookie("hub_token", token));
            }
        });
    }

    /// <summary>The HTTP status of a refused upgrade.</summary>
    public static async Task<System.Net.HttpStatusCode?> RefusedStatusAsync(Uri uri, string token)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None).WaitAsync(Waits.Max));
        return socket.HttpStatusCode;
    }
}
