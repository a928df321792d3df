namespace Hub.Bench.Load;

/// <summary>The demo methods a soak client calls (docs/protocol.md section 10), and <c>publish</c>, which only publishers send.</summary>
internal enum SoakMethod
{
    Ping,
    Echo,
    Add,
    Sleep,
    GetSubscriptions,
    Subscribe,
    ComputerSaysNo,
    Publish,
}
