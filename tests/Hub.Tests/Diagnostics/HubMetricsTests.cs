using System.Diagnostics.Metrics;
using Hub.Diagnostics;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Tests.Diagnostics;

/// <summary>The engine's instruments and tag values, without a host.</summary>
public sealed class HubMetricsTests
{
    [Fact]
    public void Outcome_of_a_result_reply_is_ok()
    {
        var reply = JsonRpcEncoder.Success(RequestId.FromNumber(1), new JObject { ["error"] = new JObject { ["code"] = 1 } });

        Assert.Equal("ok", HubMetrics.Outcome(reply));
    }

    [Theory]
    [InlineData(-32603, "-32603")]
    [InlineData(-32001, "-32001")]
    [InlineData(-32010, "-32010")]
    [InlineData(7, "7")]
    public void Outcome_of_an_error_reply_is_its_code(int code, string outcome)
    {
        var reply = JsonRpcEncoder.Failure(RequestId.FromString("a"), new JsonRpcError(code, "m", new JValue("d")));

        Assert.Equal(outcome, HubMetrics.Outcome(reply));
    }

    [Fact]
    public void Error_code_tags_past_their_capacity_are_other_but_protocol_codes_keep_theirs()
    {
        var tags = new ErrorCodeTags(2);

        Assert.Equal(["1", "2", "other", "1", "-32601", "-32004"], new[] { tags.Get(1), tags.Get(2), tags.Get(3), tags.Get(1), tags.Get(-32601), tags.Get(-32004) });
    }

    [Fact]
    public void Calls_are_published_on_the_Hub_meter_with_method_and_outcome_tags()
    {
        var method = "listener_test_" + Guid.NewGuid().ToString("N");
        var seen = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Hub" && instrument.Name == "hub.calls")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var map = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            if (Equals(map.GetValueOrDefault("method"), method))
            {
                seen.Add((value, map));
            }
        });
        listener.Start();

        HubMetrics.Call(method, HubMetrics.Outcome(-32602));
        HubMetrics.Call(method, HubMetrics.Ok);
        HubMetrics.Call(method, HubMetrics.Ok);
        listener.RecordObservableInstruments();

        // A cumulative count per method and outcome, read at each collection.
        Assert.Equal(2, seen.Count);
        Assert.Equal(1, seen.Single(s => Equals(s.Tags["outcome"], "-32602")).Value);
        Assert.Equal(2, seen.Single(s => Equals(s.Tags["outcome"], "ok")).Value);
    }
}
