using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Hub.Bench.Load;

/// <summary>
/// The soak's requests and the answers the demo service must give them. Each request's params depend on its id, so a
/// reply that lands on the wrong id, or a result taken from another call, is caught: <c>echo</c> carries the id,
/// <c>add</c> adds 0.5 to it, <c>sleep</c> waits id mod 20 ms.
/// </summary>
internal static class SoakCalls
{
    /// <summary>ping 30, echo 25, add 15, sleep 10, get_subscriptions 10, subscribe (again, to the topic it has) 5, computer_says_no 5.</summary>
    public static IReadOnlyList<(SoakMethod Method, int Weight)> DefaultMix { get; } =
    [
        (SoakMethod.Ping, 30), (SoakMethod.Echo, 25), (SoakMethod.Add, 15), (SoakMethod.Sleep, 10),
        (SoakMethod.GetSubscriptions, 10), (SoakMethod.Subscribe, 5), (SoakMethod.ComputerSaysNo, 5),
    ];

    public static string Name(SoakMethod method) => method switch
    {
        SoakMethod.Ping => "ping",
        SoakMethod.Echo => "echo",
        SoakMethod.Add => "add",
        SoakMethod.Sleep => "sleep",
        SoakMethod.GetSubscriptions => "get_subscriptions",
        SoakMethod.Subscribe => "subscribe",
        SoakMethod.ComputerSaysNo => "computer_says_no",
        _ => "publish",
    };

    /// <summary>Reads <c>ping=30,echo=25,...</c> (method names as on the wire; publish is not one of them).</summary>
    public static IReadOnlyList<(SoakMethod Method, int Weight)> ParseMix(string text)
    {
        var callable = Enum.GetValues<SoakMethod>().Where(m => m != SoakMethod.Publish).ToDictionary(Name, StringComparer.Ordinal);
        var mix = new List<(SoakMethod, int)>();
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', 2);
            if (!callable.TryGetValue(parts[0], out var method) || parts.Length != 2
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight))
            {
                throw new ArgumentException($"--mix: '{entry}' is not METHOD=WEIGHT with METHOD one of {string.Join(", ", callable.Keys)}", nameof(text));
            }

            mix.Add((method, weight));
        }

        return mix.Sum(m => m.Item2) > 0 ? mix : throw new ArgumentException("--mix: the weights add up to 0", nameof(text));
    }

    public static byte[] Request(SoakMethod method, int id, string topic, string padding)
    {
        var ident = id.ToString(CultureInfo.InvariantCulture);
        var (name, parameters) = method switch
        {
            SoakMethod.Echo => ("echo", EchoParams(ident, padding)),
            SoakMethod.Add => ("add", "[" + ident + ",0.5]"),
            SoakMethod.Sleep => ("sleep", "[" + (id % 20).ToString(CultureInfo.InvariantCulture) + "]"),
            SoakMethod.Subscribe => ("subscribe", "[\"" + topic + "\"]"),
            _ => (Name(method), null),
        };
        return Wire.Request(WireDialect.JsonRpc, name, parameters, id);
    }

    /// <summary>A publish of <c>{"t":TIMESTAMP,"s":SEQUENCE,"src":PUBLISHER,"p":"xx..."}</c> to <paramref name="topic"/>.</summary>
    public static byte[] Publish(int id, string topic, long timestamp, long sequence, int publisher, string padding) =>
        Wire.Request(
            WireDialect.JsonRpc, "publish",
            string.Create(CultureInfo.InvariantCulture, $"[\"{topic}\",{{\"t\":{timestamp},\"s\":{sequence},\"src\":{publisher},\"p\":\"{padding}\"}}]"), id);

    /// <summary>Reads the publisher's index from a notification written by <see cref="Publish"/>.</summary>
    public static bool TryReadPublisher(ReadOnlySpan<byte> record, out int publisher)
    {
        publisher = -1;
        var at = record.IndexOf(",\"src\":"u8);
        return at >= 0 && Utf8Parser.TryParse(record[(at + 7)..], out publisher, out _);
    }

    /// <summary>Judges one reply (<paramref name="kind"/> Reply or Error) to the call <paramref name="method"/> with <paramref name="id"/>.</summary>
    public static SoakOutcome Check(SoakMethod method, int id, string topic, string padding, RecordKind kind, ReadOnlySpan<byte> record)
    {
        if (kind == RecordKind.Error)
        {
            return method == SoakMethod.ComputerSaysNo && Wire.TryReadErrorCode(record, out var code) && code == -32050
                ? SoakOutcome.ExpectedError
                : SoakOutcome.UnexpectedError;
        }

        if (!Wire.TryReadResult(record, out var result))
        {
            return SoakOutcome.WrongResult;
        }

        var ident = id.ToString(CultureInfo.InvariantCulture);
        var correct = method switch
        {
            SoakMethod.Ping => result.SequenceEqual("\"pong\""u8),
            SoakMethod.Echo => result.SequenceEqual(Encoding.UTF8.GetBytes(EchoParams(ident, padding))),
            SoakMethod.Add => Utf8Parser.TryParse(result, out double sum, out var used) && used == result.Length && sum == id + 0.5,
            SoakMethod.Sleep => Utf8Parser.TryParse(result, out int slept, out var length) && length == result.Length && slept == id % 20,
            SoakMethod.GetSubscriptions or SoakMethod.Subscribe => result.SequenceEqual(Encoding.UTF8.GetBytes("[\"" + topic + "\"]")),
            SoakMethod.Publish => result.SequenceEqual("true"u8),
            _ => false, // computer_says_no never succeeds
        };
        return correct ? SoakOutcome.Correct : SoakOutcome.WrongResult;
    }

    private static string EchoParams(string ident, string padding) => "{\"n\":" + ident + ",\"p\":\"" + padding + "\"}";
}
