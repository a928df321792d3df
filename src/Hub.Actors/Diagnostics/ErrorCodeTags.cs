using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using Hub.Protocol;

namespace Hub.Diagnostics;

/// <summary>
/// Error codes as metric tag values (<c>"-32601"</c>), one string per code. The protocol's own codes always get
/// theirs; handlers choose any other code, so only the first <c>capacity</c> distinct ones do, and later ones are
/// <see cref="Other"/>: a handler that puts data in its codes cannot add series without bound.
/// </summary>
internal sealed class ErrorCodeTags(int capacity)
{
    public const string Other = "other";

    private static readonly FrozenDictionary<int, string> Standard = JsonRpcErrorCodes.Standard
        .ToFrozenDictionary(code => code, code => code.ToString(CultureInfo.InvariantCulture));

    private readonly ConcurrentDictionary<int, string> _others = new();
    private int _count;

    public string Get(int code)
    {
        if (Standard.TryGetValue(code, out var text) || _others.TryGetValue(code, out text))
        {
            return text;
        }

        // Two threads adding the same new code may each take a slot; the cap stays a bound.
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Interlocked.Decrement(ref _count);
            return Other;
        }

        return _others.GetOrAdd(code, c => c.ToString(CultureInfo.InvariantCulture));
    }
}
