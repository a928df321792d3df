namespace Hub.Tests.Support;

/// <summary>The two waits of STYLE.md: a short quiet period to assert nothing arrives, and a cap on any positive wait.</summary>
public static class Waits
{
    /// <summary>How long "nothing arrives" is watched for (the conformance README's quiet period).</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    /// <summary>The most any test waits for something that should happen.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(10);
}
