using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Hub.Bench.Load;

/// <summary>
/// Request bytes for each dialect, and the few byte searches the load generator does on what comes back: the id of a
/// reply, the kind of a record, the stamp of a notification. Nothing is parsed as JSON.
/// </summary>
internal static class Wire
{
    public const byte RecordSeparator = 0x1e;

    public static readonly byte[] SignalRHandshake = "{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray();

    public static string PathOf(WireDialect dialect) => dialect switch
    {
        WireDialect.SignalR => "/hub",
        WireDialect.Echo => "/ws",
        _ => "/rpc",
    };

    /// <summary>A request for <paramref name="method"/> (hub names: ping, echo, subscribe, publish) with a JSON array of params or null.</summary>
    public static byte[] Request(WireDialect dialect, string method, string? paramsArray, int id)
    {
        var idText = id.ToString(CultureInfo.InvariantCulture);
        var text = dialect switch
        {
            WireDialect.SignalR => "{\"type\":1,\"invocationId\":\"" + idText + "\",\"target\":\"" + SignalRTarget(method)
                + "\",\"arguments\":" + (paramsArray ?? "[]") + "}\u001e",
            _ when paramsArray is null => "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":" + idText + "}",
            _ => "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + paramsArray + ",\"id\":" + idText + "}",
        };
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>The SignalR hub method that stands for a hub method.</summary>
    public static string SignalRTarget(string method) => method switch
    {
        "ping" => "Ping",
        "echo" => "Echo",
        "subscribe" => "Join",
        "publish" => "Publish",
        _ => method,
    };

    /// <summary>Classifies one record and finds a reply's numeric id (-1 when there is none).</summary>
    public static RecordKind Classify(WireDialect dialect, ReadOnlySpan<byte> record, out int id)
    {
        id = -1;
        switch (dialect)
        {
            case WireDialect.SignalR:
            {
                var type = record.IndexOf("\"type\":"u8);
                if (type < 0 || type + 7 >= record.Length)
                {
                    return RecordKind.Other;
                }

                switch (record[type + 7])
                {
                    case (byte)'1':
                        return RecordKind.Notification;
                    case (byte)'3':
                        var at = record.IndexOf("\"invocationId\":\""u8);
                        if (at >= 0 && Utf8Parser.TryParse(record[(at + 16)..], out int value, out _))
                        {
                            id = value;
                        }

                        return record.IndexOf("\"error\":"u8) >= 0 ? RecordKind.Error : RecordKind.Reply;
                    default:
                        return RecordKind.Other;
                }
            }

            case WireDialect.JsonRpc:
            {
                // The hub writes jsonrpc first, then method (notification or server call), result or error.
                var member = record.Length > 17 ? record[17..] : default;
                if (member.StartsWith("\"method\""u8))
                {
                    return RecordKind.Notification;
                }

                id = ReadTrailingId(record);
                return member.StartsWith("\"error\""u8) ? RecordKind.Error : RecordKind.Reply;
            }

            default:
                id = ReadTrailingId(record);
                return RecordKind.Reply;
        }
    }

    /// <summary>Reads the publisher's stamp (<c>"t":</c> timestamp, <c>"s":</c> sequence) from a notification.</summary>
    public static bool TryReadStamp(ReadOnlySpan<byte> record, out long timestamp, out long sequence)
    {
        timestamp = sequence = 0;
        var t = record.IndexOf("{\"t\":"u8);
        if (t < 0 || !Utf8Parser.TryParse(record[(t + 5)..], out timestamp, out var consumed))
        {
            return false;
        }

        var rest = record[(t + 5 + consumed)..];
        return rest.StartsWith(",\"s\":"u8) && Utf8Parser.TryParse(rest[5..], out sequence, out _);
    }

    /// <summary>The bytes of a hub reply's result: between <c>"result":</c> and the trailing <c>,"id":</c>.</summary>
    public static bool TryReadResult(ReadOnlySpan<byte> record, out ReadOnlySpan<byte> result)
    {
        result = default;
        var at = record.IndexOf("\"result\":"u8);
        var end = record.LastIndexOf(",\"id\":"u8);
        if (at < 0 || end < at + 9)
        {
            return false;
        }

        result = record[(at + 9)..end];
        return true;
    }

    /// <summary>The code of a hub error reply (<c>"error":{"code":N,...}</c>).</summary>
    public static bool TryReadErrorCode(ReadOnlySpan<byte> record, out int code)
    {
        code = 0;
        var at = record.IndexOf("\"error\":{\"code\":"u8);
        return at >= 0 && Utf8Parser.TryParse(record[(at + 16)..], out code, out _);
    }

    private static int ReadTrailingId(ReadOnlySpan<byte> record)
    {
        var at = record.LastIndexOf("\"id\":"u8);
        return at >= 0 && Utf8Parser.TryParse(record[(at + 5)..], out int value, out _) ? value : -1;
    }
}
