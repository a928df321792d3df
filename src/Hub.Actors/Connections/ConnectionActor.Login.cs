using System.Security.Claims;
using Akka.Actor;
using Akka.Event;
using Hub.Auth;
using Hub.Protocol;
using Hub.Topics;
using Newtonsoft.Json.Linq;

namespace Hub.Connections;

/// <summary>
/// Authentication while connected: the user's expiry closes the connection with 1008 "authentication expired",
/// unless the client sends a fresh token with the built-in <c>login</c>, which re-checks every subscription.
/// </summary>
internal sealed partial class ConnectionActor
{
    private const string ExpiryTimer = "authentication-expiry";

    private void ScheduleExpiry()
    {
        Timers.Cancel(ExpiryTimer);
        if (_user.ExpiresAt is { } expires && !_isHttp)
        {
            var left = expires - DateTimeOffset.UtcNow;
            Timers.StartSingleTimer(ExpiryTimer, AuthenticationExpired.Instance, left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
    }

    /// <summary><c>login</c>: <c>["TOKEN"]</c> or <c>{"token":"TOKEN"}</c>.</summary>
    private void Login(RequestId? id, JToken? parameters, BatchReply? batch, int slot)
    {
        var token = parameters switch
        {
            JArray { Count: 1 } array when array[0].Type == JTokenType.String => (string?)array[0],
            JObject { Count: 1 } named when named["token"] is { Type: JTokenType.String } value => (string?)value,
            _ => null,
        };
        if (string.IsNullOrEmpty(token))
        {
            AnswerError(id, batch, slot, JsonRpcError.InvalidParams("expected [token] or {\"token\": token}"));
            return;
        }

        var key = ++_nextCallKey;
        _inFlight[key] = new InFlight(id, batch, slot, null);
        var self = Self;
        _runtime.Authenticator!.AuthenticateAsync(token, CancellationToken.None)
            .PipeTo(self, success: principal => new LoginChecked(key, principal), failure: _ => new LoginChecked(key, null));
    }

    private void OnLoginChecked(LoginChecked checkedLogin)
    {
        if (!_inFlight.Remove(checkedLogin.CallKey, out var call))
        {
            return;
        }

        CountCall(LoginMethod, call.Id, checkedLogin.Principal is null ? JsonRpcErrorCodes.InvalidParams : 0);
        if (checkedLogin.Principal is null)
        {
            // The token is never logged; the user learns only that it was refused.
            AnswerError(call.Id, call.Batch, call.Slot, JsonRpcError.InvalidParams("the token is not valid"));
            CloseIfDrained();
            return;
        }

        _user = new HubUser(checkedLogin.Principal);
        _caller = _caller with { User = _user };
        ScheduleExpiry();

        // Subscriptions the new user may not have are dropped, and the reply names them.
        var dropped = _subscriptions.Keys.Where(topic => !_runtime.IsTopic(topic, _user)).ToList();
        foreach (var topic in dropped)
        {
            EndSubscription(topic);
        }

        _log.Info("Connection {ConnectionId} logged in as {User}", _connectionId, _user.Name ?? "(no name)");
        AnswerResult(call.Id, call.Batch, call.Slot, new JObject
        {
            ["user"] = _user.Name,
            ["permissions"] = new JArray(_user.Permissions),
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
