using System.ComponentModel.DataAnnotations;
using Hub.Host.Auth;

namespace Hub.Host.Configuration;

/// <summary>Each entry is <c>*</c> or an origin such as <c>https://app.example.com</c> or <c>http://localhost:5173</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OriginListAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var bad = (value as IEnumerable<string?> ?? []).Where(entry => !OriginPolicy.IsValidEntry(entry)).ToList();
        return bad.Count == 0
            ? ValidationResult.Success
            : new ValidationResult(
                $"{validationContext.MemberName} holds '{string.Join("', '", bad)}': each entry is '*' or an origin, scheme://host[:port] (http or https, no path).",
                validationContext.MemberName is { } member ? [member] : []);
    }
}
