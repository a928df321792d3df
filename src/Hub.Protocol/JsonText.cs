using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Protocol;

/// <summary>
/// Strict RFC 8259 reading into Newtonsoft.Json trees, and the exact output form of PROTOCOL.md section 2.
/// </summary>
/// <remarks>
/// Reading uses System.Text.Json's <see cref="Utf8JsonReader"/> because Newtonsoft's reader is lenient
/// (it takes comments, NaN, single quotes, trailing commas and raw control characters, all of which the
/// protocol refuses); the tree is still a <see cref="JToken"/>, since handlers bind with Newtonsoft.Json.
/// Writing walks the tree by hand because no library writes ECMAScript number forms with minimal escaping.
/// </remarks>
internal static class JsonText
{
    /// <summary>Reads a value at the reader's current token, the reader left on the value's last token.</summary>
    public delegate T ValueReader<in TState, out T>(ref Utf8JsonReader reader, TState state);

    /// <summary>Parses one JSON text; null with a reason when it is not valid JSON or nests deeper than <paramref name="maxDepth"/>.</summary>
    public static JToken? TryParse(ReadOnlySpan<byte> utf8, int maxDepth, out string? error) =>
        TryRead(utf8, maxDepth, 0, static (ref reader, _) => ReadValue(ref reader), out error);

    /// <summary>
    /// Reads one JSON text with <paramref name="read"/>, strictly as <see cref="TryParse"/> does; null with a reason
    /// when it is not valid JSON, nests deeper than <paramref name="maxDepth"/> or has text after its value.
    /// </summary>
    public static T? TryRead<TState, T>(ReadOnlySpan<byte> utf8, int maxDepth, TState state, ValueReader<TState, T> read, out string? error)
        where T : class =>
        TryRead(utf8, maxDepth, state, read, out error, out _);

    /// <summary>
    /// As <see cref="TryRead{TState, T}(ReadOnlySpan{byte}, int, TState, ValueReader{TState, T}, out string?)"/>;
    /// <paramref name="tooDeep"/> tells a text that stopped at the depth limit (or broke at the deepest level allowed)
    /// from any other bad text.
    /// </summary>
    public static T? TryRead<TState, T>(ReadOnlySpan<byte> utf8, int maxDepth, TState state, ValueReader<TState, T> read, out string? error, out bool tooDeep)
        where T : class
    {
        error = null;
        tooDeep = false;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            if (!reader.Read())
            {
                error = "empty message";
                return null;
            }

            var root = read(ref reader, state);
            if (reader.Read())
            {
                error = "text after the JSON value";
                return null;
            }

            return root;
        }
        catch (JsonException ex)
        {
            // The reader throws before it opens the level past the limit; an opening token it stands on is not counted yet.
            tooDeep = reader.CurrentDepth + (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject ? 1 : 0) >= maxDepth;
            error = ex.Message;
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // GetString throws this for a lone surrogate escape or invalid UTF-8.
            error = ex.Message;
            return null;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>Reads the value at the reader's token, the reader left on the value's last token.</summary>
    /// <param name="reader">The reader, on the value's first token.</param>
    /// <param name="bigIntegers">
    /// Integers past a <c>long</c> as <see cref="BigInteger"/> values, as Newtonsoft reads them, not as
    /// <see cref="IntegerText"/>: the client's view, whose users convert results to .NET types. The hub keeps the text,
    /// which one hostile message cannot make it spend quadratic time on.
    /// </param>
    public static JToken ReadValue(ref Utf8JsonReader reader, bool bigIntegers = false)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JObject();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    var value = ReadValue(ref reader, bigIntegers);

                    // A repeated name keeps the last value at the first position (PROTOCOL.md section 2), found by the
                    // object's dictionary. Setting JProperty.Value is constant time, where JProperty.Replace looks the
                    // property up by a linear search (quadratic over many repeats); but Newtonsoft skips the assignment
                    // when old and new are values it deems equal (1e-300 and 2e-300, 1 and 1.0), which would keep the
                    // first, so a container goes in between.
                    if (obj.Property(name, StringComparison.Ordinal) is { } repeated)
                    {
                        if (repeated.Value is JValue)
                        {
                            repeated.Value = new JArray();
                        }

                        repeated.Value = value;
                    }
                    else
                    {
                        obj.Add(name, value);
                    }
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(ReadValue(ref reader, bigIntegers));
                }

                return array;
            case JsonTokenType.String:
                return new JValue(reader.GetString());
            case JsonTokenType.Number:
                return ReadNumber(reader.ValueSpan, bigIntegers);
            case JsonTokenType.True:
                return new JValue(true);
            case JsonTokenType.False:
                return new JValue(false);
            case JsonTokenType.Null:
                return JValue.CreateNull();
            default:
                throw new FormatException($"unexpected token {reader.TokenType}");
        }
    }

    public static JValue ReadNumber(ReadOnlySpan<byte> text, bool bigIntegers = false)
    {
        if (TryReadInt64(text, out var small))
        {
            return new JValue(small);
        }

        if (text.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0)
        {
            return bigIntegers
                ? new JValue(BigInteger.Parse(Encoding.ASCII.GetString(text), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))
                : new IntegerText(Encoding.ASCII.GetString(text));
        }

        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw new FormatException("number out of the range of a double");
        }

        return new JValue(value);
    }

    /// <summary>True for an integer token that fits a long (no fraction or exponent), read into <paramref name="value"/>.</summary>
    public static bool TryReadInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        return text.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Writes <paramref name="token"/> in the protocol's output form; throws <see cref="JsonWriteException"/> for what JSON cannot hold.</summary>
    public static void Write(IBufferWriter<byte> output, JToken? token)
    {
        switch (token)
        {
            case null:
                WriteAscii(output, "null");
                return;
            case JObject obj:
                WriteAscii(output, "{");
                var first = true;
                foreach (var property in obj.Properties())
                {
                    if (!first)
                    {
                        WriteAscii(output, ",");
                    }

                    first = false;
                    WriteString(output, property.Name);
                    WriteAscii(output, ":");
                    Write(output, property.Value);
                }

                WriteAscii(output, "}");
                return;
            case JArray array:
                WriteAscii(output, "[");
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        WriteAscii(output, ",");
                    }

                    Write(output, array[i]);
                }

                WriteAscii(output, "]");
                return;
            case IntegerText integer:
                WriteAscii(output, integer.Digits);
                return;
            // Newtonsoft clones a token added to a second container (and on DeepClone) as a plain JRaw: the same digits.
            case JRaw { Value: string digits } when IsIntegerLiteral(digits):
                WriteAscii(output, digits);
                return;
            case JValue value:
                WriteValue(output, value);
                return;
            default:
                throw new JsonWriteException($"cannot write a {token.Type} token");
        }
    }

    /// <summary>
    /// A decimal as JSON: in ECMAScript form when a double holds it exactly as written (so <c>2.50m</c> is <c>2.5</c>,
    /// as before), otherwise its own digits, trailing zeros dropped: a double would lose what a decimal was chosen to keep.
    /// </summary>
    private static string DecimalText(decimal value)
    {
        var ecma = EcmaNumber.Format((double)value);
        if (decimal.TryParse(ecma, NumberStyles.Float, CultureInfo.InvariantCulture, out var back) && back == value)
        {
            return ecma;
        }

        var digits = value.ToString(CultureInfo.InvariantCulture);
        return digits.Contains('.', StringComparison.Ordinal) ? digits.TrimEnd('0').TrimEnd('.') : digits;
    }

    /// <summary>True for a JSON integer token: <c>-?(0|[1-9][0-9]*)</c>.</summary>
    private static bool IsIntegerLiteral(string text)
    {
        var digits = text.AsSpan(text.StartsWith('-') ? 1 : 0);
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9') && (digits[0] != '0' || digits.Length == 1);
    }

    private static void WriteValue(IBufferWriter<byte> output, JValue value)
    {
        switch (value.Type)
        {
            case JTokenType.Null:
            case JTokenType.Undefined:
                WriteAscii(output, "null");
                return;
            case JTokenType.Boolean:
                WriteAscii(output, (bool)value.Value! ? "true" : "false");
                return;
            case JTokenType.Integer:
                WriteAscii(output, value.Value switch
                {
                    BigInteger big => big.ToString(CultureInfo.InvariantCulture),

                    // An enum boxed in a JValue is an Integer token: write its number, as Newtonsoft does; its name is not JSON.
                    Enum e => Convert.ToString(Convert.ChangeType(e, e.GetTypeCode(), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)!,
                    var other => Convert.ToString(other, CultureInfo.InvariantCulture)!,
                });
                return;
            case JTokenType.Float when value.Value is decimal exact:
                WriteAscii(output, DecimalText(exact));
                return;
            case JTokenType.Float:
                var number = value.Value switch
                {
                    double d => d,
                    float f => double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                    decimal m => (double)m,
                    var other => Convert.ToDouble(other, CultureInfo.InvariantCulture),
                };
                if (!double.IsFinite(number))
                {
                    throw new JsonWriteException("NaN and Infinity cannot be written as JSON");
                }

                WriteAscii(output, EcmaNumber.Format(number));
                return;
            case JTokenType.String:
                // A String token may hold null (a null string? assigned to a member, JValue.CreateString(null)) or a char.
                if (value.Value is null)
                {
                    WriteAscii(output, "null");
                    return;
                }

                WriteString(output, value.Value as string ?? Convert.ToString(value.Value, CultureInfo.InvariantCulture)!);
                return;
            case JTokenType.Date:
                WriteString(output, value.Value switch
                {
                    DateTime dt => dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture),
                    DateTimeOffset dto => dto.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
                    var other => Convert.ToString(other, CultureInfo.InvariantCulture)!,
                });
                return;
            case JTokenType.Guid:
            case JTokenType.Uri:
            case JTokenType.TimeSpan:
                WriteString(output, Convert.ToString(value.Value, CultureInfo.InvariantCulture)!);
                return;
            case JTokenType.Bytes:
                WriteString(output, Convert.ToBase64String((byte[])value.Value!));
                return;
            default:
                throw new JsonWriteException($"cannot write a {value.Type} value");
        }
    }

    // The characters WriteString escapes or refuses; any other string is written as its UTF-8 bytes, unchanged.
    private static readonly SearchValues<char> Special = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u0085\u2028\u2029"
        + string.Concat(Enumerable.Range(0xD800, 0x800).Select(c => (char)c)));

    /// <summary>Minimal escaping: quote, backslash, U+0000-U+001F, and U+0085, U+2028, U+2029 (safe in JavaScript).</summary>
    public static void WriteString(IBufferWriter<byte> output, string text)
    {
        WriteAscii(output, "\"");
        var rest = text.AsSpan();
        while (true)
        {
            var special = rest.IndexOfAny(Special);
            var plain = special < 0 ? rest : rest[..special];
            if (!plain.IsEmpty)
            {
                output.Advance(Encoding.UTF8.GetBytes(plain, output.GetSpan(Encoding.UTF8.GetMaxByteCount(plain.Length))));
            }

            if (special < 0)
            {
                break;
            }

            var c = rest[special];
            rest = rest[(special + 1)..];
            if (char.IsHighSurrogate(c) && rest.Length > 0 && char.IsLowSurrogate(rest[0]))
            {
                output.Advance(Encoding.UTF8.GetBytes([c, rest[0]], output.GetSpan(4)));
                rest = rest[1..];
                continue;
            }

            output.Advance(Escape(c, output.GetSpan(6)));
        }

        WriteAscii(output, "\"");
    }

    /// <summary>Writes the escape of one character WriteString does not write as itself (at most 6 bytes).</summary>
    private static int Escape(char c, Span<byte> span)
    {
        var escape = c switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\f' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ when char.IsSurrogate(c) => throw new JsonWriteException("a string holds a lone surrogate"),
            _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < escape.Length; i++)
        {
            span[i] = (byte)escape[i];
        }

        return escape.Length;
    }

    public static void WriteAscii(IBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }

        output.Advance(ascii.Length);
    }
}
