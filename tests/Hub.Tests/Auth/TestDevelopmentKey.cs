using System.Runtime.CompilerServices;

namespace Hub.Tests.Auth;

/// <summary>
/// Hubs the tests start without a signing key (and the processes they start, which inherit the environment) keep
/// their development key in a directory of this test run, never in the user's profile.
/// </summary>
internal static class TestDevelopmentKey
{
    public const string Variable = "HUB_AUTH__DEVELOPMENT_KEY_FILE";

    /// <summary>The directory holding this run's key file.</summary>
    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), "hub-tests-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);

#pragma warning disable CA2255 // Runs before any test, so that no hub of this process ever writes into the real profile.
    [ModuleInitializer]
#pragma warning restore CA2255
    public static void Isolate()
    {
        Environment.SetEnvironmentVariable(Variable, Path.Combine(Directory, "signing-key"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Nothing was created, or a child process still holds it: the temporary directory keeps it.
            }
        };
    }
}
