namespace Hub.Client;

/// <summary>
/// Completes a <see cref="PendingCall"/> whose connection ended before its frame left: never seen by users, the call
/// goes on the next connection instead.
/// </summary>
internal sealed class CallNotSentException : Exception
{
    private CallNotSentException()
        : base("The connection ended before the call was sent.")
    {
    }

    public static CallNotSentException Instance { get; } = new();
}
