using System.Globalization;
using System.Numerics;
using System.Reflection;
using Hub.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Methods;

/// <summary>
/// Binds <c>params</c> to a handler's parameters strictly (PROTOCOL.md section 4): a missing parameter without a
/// default, a surplus positional value, an unknown named member, a value that does not convert, or a number its
/// type cannot hold (never Infinity) is <c>-32602</c>. Newtonsoft.Json converts, but only after a type check, because it would turn <c>"1"</c> or
/// <c>true</c> into a number.
/// </summary>
internal sealed class ParameterBinder
{
    private readonly ParameterInfo[] _bound;
    private readonly bool _variadic;
    private readonly Func<HubCallContext, JToken?, CancellationToken, object?[]> _bind;

    public ParameterBinder(ParameterInfo[] parameters, JsonSerializer serializer)
    {
        Serializer = serializer;
        var raw = parameters.SingleOrDefault(p => p.GetCustomAttribute<RawParamsAttribute>() is not null);

        // What fills each parameter is decided once here, not by reflection on every call.
        var sources = parameters.Select(p => p.ParameterType == typeof(CancellationToken) ? Source.Cancellation
            : p.ParameterType == typeof(HubCallContext) ? Source.Context
            : p == raw ? Source.RawParams
            : Source.Params).ToArray();
        _bound = parameters.Where((_, i) => sources[i] == Source.Params).ToArray();
        _variadic = _bound.Length > 0 && _bound[^1].GetCustomAttribute<ParamArrayAttribute>() is not null;
        if (raw is not null && raw.ParameterType != typeof(JToken))
        {
            throw new ArgumentException($"[RawParams] parameter '{raw.Name}' must be of type JToken.");
        }

        if (raw is not null && _bound.Length > 0)
        {
            // Nothing is bound from params beside a [RawParams] parameter, so the call could never fill this one.
            throw new ArgumentException($"[RawParams] takes the whole params; '{_bound[0].Name}' cannot be bound beside it.");
        }

        TakesCancellation = sources.Contains(Source.Cancellation);
        TakesContext = sources.Contains(Source.Context);
        var takesRaw = raw is not null;
        _bind = (context, token, cancellationToken) =>
        {
            if (sources.Length == 0)
            {
                BindValues(token); // nothing to fill, but surplus params are still refused
                return [];
            }

            var values = takesRaw ? [] : BindValues(token);
            var result = new object?[sources.Length];
            var next = 0;
            for (var i = 0; i < sources.Length; i++)
            {
                result[i] = sources[i] switch
                {
                    Source.Cancellation => cancellationToken,
                    Source.Context => context,
                    Source.RawParams => token,
                    _ => values[next++],
                };
            }

            return result;
        };
    }

    private enum Source
    {
        Params,
        RawParams,
        Context,
        Cancellation,
    }

    /// <summary>Whether a parameter takes the call's <see cref="CancellationToken"/>.</summary>
    public bool TakesCancellation { get; }

    /// <summary>Whether a parameter takes the <see cref="HubCallContext"/>.</summary>
    public bool TakesContext { get; }

    public JsonSerializer Serializer { get; }

    /// <summary>The names of the parameters bound from params, in order (for documentation and errors).</summary>
    public IEnumerable<string> Names => _bound.Select(p => p.Name!);

    public object?[] Bind(HubCallContext context, JToken? parameters, CancellationToken cancellationToken) =>
        _bind(context, parameters, cancellationToken);

    private object?[] BindValues(JToken? parameters)
    {
        var values = _bound.Length == 0 ? [] : new object?[_bound.Length];
        switch (parameters)
        {
            case null:
                for (var i = 0; i < _bound.Length; i++)
                {
                    values[i] = Missing(_bound[i]);
                }

                break;
            case JArray array:
                BindPositional(array, values);
                break;
            case JObject obj:
                BindNamed(obj, values);
                break;
            default:
                throw HubRpcException.InvalidParams("params must be an array or an object");
        }

        return values;
    }

    private void BindPositional(JArray array, object?[] values)
    {
        var last = _bound.Length - 1;
        var variadic = _variadic;
        var fixedCount = variadic ? last : _bound.Length;
        if (!variadic && array.Count > _bound.Length)
        {
            throw HubRpcException.InvalidParams($"expected at most {_bound.Length} parameters, got {array.Count}");
        }

        for (var i = 0; i < fixedCount; i++)
        {
            values[i] = i < array.Count ? Convert(array[i], _bound[i]) : Missing(_bound[i]);
        }

        if (variadic)
        {
            var elementType = _bound[last].ParameterType.GetElementType()!;
            var rest = Array.CreateInstance(elementType, Math.Max(0, array.Count - fixedCount));
            for (var i = fixedCount; i < array.Count; i++)
            {
                rest.SetValue(Convert(array[i], elementType, _bound[last].Name!), i - fixedCount);
            }

            values[last] = rest;
        }
    }

    private void BindNamed(JObject obj, object?[] values)
    {
        foreach (var property in obj.Properties())
        {
            if (!_bound.Any(p => p.Name == property.Name))
            {
                throw HubRpcException.InvalidParams($"unknown parameter '{property.Name}'");
            }
        }

        for (var i = 0; i < _bound.Length; i++)
        {
            values[i] = obj.TryGetValue(_bound[i].Name!, StringComparison.Ordinal, out var value)
                ? Convert(value, _bound[i])
                : Missing(_bound[i]);
        }
    }

    private static object? Missing(ParameterInfo parameter)
    {
        if (parameter.HasDefaultValue)
        {
            return parameter.DefaultValue;
        }

        if (parameter.GetCustomAttribute<ParamArrayAttribute>() is not null)
        {
            return Array.CreateInstance(parameter.ParameterType.GetElementType()!, 0);
        }

        throw HubRpcException.InvalidParams($"missing parameter '{parameter.Name}'");
    }

    private object? Convert(JToken token, ParameterInfo parameter) => Convert(token, parameter.ParameterType, parameter.Name!);

    /// <summary>Converts one value strictly; throws the invalid-params error naming the parameter.</summary>
    public object? Convert(JToken token, Type type, string name)
    {
        if (!Fits(token, type))
        {
            throw HubRpcException.InvalidParams($"parameter '{name}' must be {Describe(type)}");
        }

        // Digits past a long stay as they are for a JToken parameter, which may hold any value.
        if (type == typeof(JToken) || (token is IntegerText && typeof(JToken).IsAssignableFrom(type)))
        {
            return token;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (token is IntegerText integer)
        {
            token = Widen(integer, target, name);
        }

        if (target == typeof(decimal) && token.Type == JTokenType.Float && !(Math.Abs((double)token) < (double)decimal.MaxValue))
        {
            throw OutOfRange(name);
        }

        object? value;
        try
        {
            value = token.ToObject(type, Serializer);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidCastException or ArgumentException)
        {
            throw HubRpcException.InvalidParams($"parameter '{name}' must be {Describe(type)}");
        }

        // A finite number narrowed to a float past its range becomes Infinity, which no handler asked for and no reply can hold.
        return value is float f && !float.IsFinite(f) ? throw OutOfRange(name) : value;
    }

    /// <summary>Digits beyond a long become a number only for a type that can hold them, and only then pay for it.</summary>
    private static JValue Widen(IntegerText integer, Type target, string name)
    {
        if (target == typeof(BigInteger))
        {
            return new JValue(BigInteger.Parse(integer.Digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        // Past about 309 digits a double is Infinity: out of range, like any value the type cannot hold.
        if ((target == typeof(double) || target == typeof(float) || target == typeof(object))
            && double.Parse(integer.Digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) is var number && double.IsFinite(number))
        {
            return new JValue(number);
        }

        return target == typeof(decimal) && decimal.TryParse(integer.Digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d)
            ? new JValue(d)
            : throw OutOfRange(name);
    }

    private static HubRpcException OutOfRange(string name) => HubRpcException.InvalidParams($"parameter '{name}' is out of range");

    private static bool Fits(JToken token, Type type)
    {
        if (token is IntegerText)
        {
            var numeric = Nullable.GetUnderlyingType(type) ?? type;
            return IsInteger(numeric) || numeric == typeof(double) || numeric == typeof(float) || numeric == typeof(decimal) || numeric == typeof(object)
                || (typeof(JToken).IsAssignableFrom(numeric) && numeric.IsInstanceOfType(token));
        }

        var underlying = Nullable.GetUnderlyingType(type);
        if (token.Type == JTokenType.Null)
        {
            return !type.IsValueType || underlying is not null;
        }

        var target = underlying ?? type;
        if (target == typeof(object) || typeof(JToken).IsAssignableFrom(target))
        {
            return target == typeof(object) || target.IsInstanceOfType(token) || target == typeof(JToken);
        }

        if (target == typeof(string))
        {
            return token.Type == JTokenType.String;
        }

        if (target == typeof(bool))
        {
            return token.Type == JTokenType.Boolean;
        }

        if (IsInteger(target))
        {
            return token.Type == JTokenType.Integer || (token.Type == JTokenType.Float && IsIntegral((double)token));
        }

        if (target == typeof(double) || target == typeof(float) || target == typeof(decimal))
        {
            return token.Type is JTokenType.Integer or JTokenType.Float;
        }

        if (target.IsEnum)
        {
            return token.Type is JTokenType.String or JTokenType.Integer;
        }

        if (target == typeof(Guid) || target == typeof(DateTime) || target == typeof(DateTimeOffset) || target == typeof(TimeSpan))
        {
            return token.Type == JTokenType.String;
        }

        if (target.IsArray || (typeof(System.Collections.IEnumerable).IsAssignableFrom(target) && !typeof(System.Collections.IDictionary).IsAssignableFrom(target)))
        {
            return token.Type == JTokenType.Array;
        }

        // Objects, records and dictionaries come from JSON objects; Newtonsoft.Json reports the rest.
        return token.Type == JTokenType.Object;
    }

    private static bool IsInteger(Type t) =>
        t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte) || t == typeof(sbyte)
        || t == typeof(uint) || t == typeof(ulong) || t == typeof(ushort) || t == typeof(BigInteger);

    private static bool IsIntegral(double d) => double.IsFinite(d) && Math.Floor(d) == d;

    private static string Describe(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        var what = target == typeof(string) ? "a string"
            : target == typeof(bool) ? "a boolean"
            : IsInteger(target) ? "an integer"
            : target == typeof(double) || target == typeof(float) || target == typeof(decimal) ? "a number"
            : target.IsArray ? "an array"
            : "a " + target.Name.ToLower(CultureInfo.InvariantCulture);
        return Nullable.GetUnderlyingType(type) is not null ? what + " or null" : what;
    }
}
