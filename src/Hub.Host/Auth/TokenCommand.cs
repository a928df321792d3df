using System.Globalization;
using Hub.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Hub.Host.Auth;

/// <summary>
/// <c>dotnet run --project src/Hub.Host -- token --user alice --permission foo [--permission bar] [--role r]
/// [--superuser] [--expires 1h]</c>: prints a token signed with the key the host is configured with (without one,
/// the user's development key, <see cref="HubJwt.DevelopmentKeyFile"/>).
/// </summary>
public static class TokenCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string? user = null;
        var permissions = new List<string>();
        var roles = new List<string>();
        var superuser = false;
        var lifetime = TimeSpan.FromHours(1);
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--user" when i + 1 < args.Length:
                    user = args[++i];
                    break;
                case "--permission" when i + 1 < args.Length:
                    permissions.Add(args[++i]);
                    break;
                case "--role" when i + 1 < args.Length:
                    roles.Add(args[++i]);
                    break;
                case "--superuser":
                    superuser = true;
                    break;
                case "--expires" when i + 1 < args.Length && TryParseLifetime(args[i + 1], out var parsed):
                    lifetime = parsed;
                    i++;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        if (string.IsNullOrEmpty(user))
        {
            error.WriteLine("usage: token --user NAME [--permission P]... [--role R]... [--superuser] [--expires 1h|30m|90s|2d]");
            return 2;
        }

        // The same sources as the host: appsettings.json beside the program, HUB_* variables, the rest of the command line.
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(HubEnvironment.Map(Environment.GetEnvironmentVariables()))
            .AddCommandLine([.. rest])
            .Build();
        var options = new HubAuthOptions();
        configuration.GetSection($"{HubHostOptions.Section}:Auth").Bind(options);
        if (HubJwt.UsesDevelopmentKey(options))
        {
            error.WriteLine($"note: no Hub:Auth:SigningKey is configured; signed with this user's development key, {HubJwt.DevelopmentKeyFile(options)}, which a hub started without a key uses too.");
        }

        output.WriteLine(HubJwt.CreateToken(options, user, permissions, roles, superuser, lifetime));
        return 0;
    }

    /// <summary>Reads <c>90s</c>, <c>30m</c>, <c>1h</c>, <c>2d</c>, or a TimeSpan such as <c>01:30:00</c>.</summary>
    public static bool TryParseLifetime(string text, out TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(text);
        lifetime = default;
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? unit = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (unit is { } value)
            {
                lifetime = value;
                return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out lifetime) && lifetime > TimeSpan.Zero;
    }
}
