using System.Security.Claims;
using Akka.Actor;
using Akka.Event;
using Hub.Auth;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>
/// Authentication while connected: the user's expiry closes the connection with 1008 "authentication expired",
/// unless the client sends a fresh token with the built-in <c>login</c>, which re-checks every subscription.
/// </summary>
internal sealed partial class WebSocketConnectionActor
{
    private const string ExpiryTimer = "authentication-expiry";

    private void ScheduleExpiry()
    {
        Timers.Cancel(ExpiryTimer);
        if (User.ExpiresAt is { } expires)
        {
            var left = expires - DateTimeOffset.UtcNow;
            Timers.StartSingleTimer(ExpiryTimer, AuthenticationExpired.Instance, left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }

    /// <summary><c>login</c>: <c>["TOKEN"]</c> or <c>{"token":"TOKEN"}</c>; answered once the token is checked.</summary>
    private BuiltIn Login(JToken? parameters, ReplyTo replyTo)
    {
        var token = parameters switch
        {
            JArray { Count: 1 } array when array[0].Type == JTokenType.String => (string?)array[0],
            JObject { Count: 1 } named when named["token"] is { Type: JTokenType.String } value => (string?)value,
            _ => null,
        };
        if (string.IsNullOrEmpty(token))
        {
            return Refuse(replyTo, JsonRpcError.InvalidParams("expected [token] or {\"token\": token}"));
        }

        var key = Calls.Hold(replyTo);
        Services.Authenticator!.AuthenticateAsync(token, CancellationToken.None)
            .PipeTo(Self, success: principal => new LoginChecked(key, principal), failure: _ => new LoginChecked(key, null));
        return BuiltIn.CountedLater;
    }

    private void OnLoginChecked(LoginChecked checkedLogin)
    {
        if (!Calls.Release(checkedLogin.CallKey, out var replyTo))
        {
            return;
        }

        CallMetrics.Answered(CallMetrics.LoginMethod, replyTo.Id, checkedLogin.Principal is null ? JsonRpcErrorCodes.InvalidParams : 0);
        if (checkedLogin.Principal is null)
        {
            // The token is never logged; the user learns only that it was refused.
            Calls.AnswerError(replyTo, JsonRpcError.InvalidParams("the token is not valid"));
            CloseIfDrained();
            return;
        }

        Caller = Caller with { User = new HubUser(checkedLogin.Principal) };
        ScheduleExpiry();

        // Subscriptions the new user may not have are dropped, and the reply names them.
        var dropped = _subscriptions.Keys.Where(topic => !Services.Topics.IsTopic(topic, User)).ToList();
        foreach (var topic in dropped)
        {
            EndSubscription(topic);
        }

        Log.Info("Connection {ConnectionId} logged in as {User}", ConnectionId, User.Name ?? "(no name)");
        Calls.AnswerResult(replyTo, new JObject
        {
            ["user"] = User.Name,
            ["permissions"] = new JArray(User.Permissions),
            ["dropped"] = new JArray(dropped),
        });
        CloseIfDrained();
    }

    private sealed record LoginChecked(long CallKey, ClaimsPrincipal? Principal);

    private sealed class AuthenticationExpired
    {
        public static AuthenticationExpired Instance { get; } = new();

        private AuthenticationExpired()
        {
        }
    }
}
