namespace Hub.Client;

/// <summary>How a call's params are given: none, by position (a JSON array) or by name (a JSON object).</summary>
internal enum ParamsKind
{
    None,
    Positional,
    Named,
}
