namespace Hub.Tests.Fuzz;

/// <summary>The JSON types the request rules tell apart; <see cref="VersionString"/> is the string "2.0".</summary>
internal enum ValueClass
{
    VersionString,
    String,
    Number,
    Null,
    Boolean,
    Array,
    Object,
}
