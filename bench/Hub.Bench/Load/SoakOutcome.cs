namespace Hub.Bench.Load;

/// <summary>How a soak call was answered, against what the demo method must answer.</summary>
internal enum SoakOutcome
{
    /// <summary>The result the method must return for these params.</summary>
    Correct,

    /// <summary>A result, but not the one the method must return.</summary>
    WrongResult,

    /// <summary>The error the method always returns (<c>computer_says_no</c>: -32050).</summary>
    ExpectedError,

    /// <summary>Any other error.</summary>
    UnexpectedError,
}
