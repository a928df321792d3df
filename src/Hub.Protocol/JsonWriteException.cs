namespace Hub.Protocol;

/// <summary>A value cannot be written as JSON (NaN, a lone surrogate, a type JSON has no form for).</summary>
internal sealed class JsonWriteException(string message) : Exception(message);
