using System.Collections;
using System.Globalization;

namespace Hub.Tests.Docs;

/// <summary>How the documents write a default, made from the value the code uses.</summary>
internal static class DefaultText
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;

    /// <summary>A count as prose writes it: <c>64</c>, <c>1,000</c>, <c>100,000</c>.</summary>
    public static string Count(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>A size in the largest binary unit that divides it: <c>8 MiB</c>, <c>64 KiB</c>, else <c>N bytes</c>.</summary>
    public static string Size(long bytes) =>
        bytes % MiB == 0 ? $"{Count(bytes / MiB)} MiB"
        : bytes % KiB == 0 ? $"{Count(bytes / KiB)} KiB"
        : $"{Count(bytes)} bytes";

    /// <summary>A size in MiB, fractions kept: <c>318.5 MiB</c>.</summary>
    public static string Mebibytes(long bytes) => $"{Count(bytes / (double)MiB)} MiB";

    /// <summary>A duration in seconds: <c>30 s</c>.</summary>
    public static string Seconds(TimeSpan duration) => $"{Count(duration.TotalSeconds)} s";

    /// <summary>
    /// A configuration value as the settings tables write it, the form appsettings.json takes: <c>`1048576`</c>,
    /// <c>`00:00:30`</c>, <c>`true`</c>, <c>`/rpc`</c>; nothing set (null, an empty list) is <c>none</c>.
    /// </summary>
    public static string Setting(object? value) => value switch
    {
        null => "none",
        string text => $"`{text}`",
        bool flag => flag ? "`true`" : "`false`",
        TimeSpan duration => $"`{duration.ToString("c", CultureInfo.InvariantCulture)}`",
        IEnumerable list when !list.Cast<object>().Any() => "none",
        IFormattable number => $"`{number.ToString(null, CultureInfo.InvariantCulture)}`",
        _ => throw new ArgumentException($"No settings-table form for {value.GetType().Name}.", nameof(value)),
    };
}
