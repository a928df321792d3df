using System.Security.Cryptography;

namespace Hub.Host.Auth;

/// <summary>
/// The signing key of a hub with none configured: random, made on first use and kept in a file only the user can
/// read (like ASP.NET Core's development keys), so the host and the token command of one user agree, and so do the
/// nodes of a local cluster (scripts/cluster.sh), while no one else can mint a token for it.
/// </summary>
internal static class DevelopmentKey
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Where the key is kept unless <c>Hub:Auth:DevelopmentKeyFile</c> says otherwise: <c>hub/signing-key</c> in the
    /// user's application data (<c>~/.config</c> or <c>$XDG_CONFIG_HOME</c> on Linux and macOS, <c>%APPDATA%</c> on
    /// Windows); null when the process has no such directory (no <c>HOME</c>).
    /// </summary>
    public static string? DefaultPath
    {
        get
        {
            var data = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return string.IsNullOrEmpty(data) ? null : Path.Combine(data, "hub", "signing-key");
        }
    }

    /// <summary>The key in <paramref name="path"/>, which is created with a new random key if it does not exist.</summary>
    /// <exception cref="InvalidOperationException">The file is readable by others, or holds no key.</exception>
    public static string LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            Create(path);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
        {
            throw new InvalidOperationException($"The development signing key {path} is open to other users: restrict it to yours (chmod 600) or delete it to get a new one.");
        }

        var key = File.ReadAllText(path).Trim();
        return key.Length >= 32
            ? key
            : throw new InvalidOperationException($"The development signing key {path} holds no key of 32 or more characters: delete it to get a new one.");
    }

    private static void Create(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Written whole to a file of its own, then linked into place: a hub or token command starting at the same
        // time (three nodes of scripts/cluster.sh) either wins or finds the file complete, and all use the one key.
        var pending = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(pending, options))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(Base64Url(RandomNumberGenerator.GetBytes(32)) + "\n"));
                stream.Flush(flushToDisk: true);
            }

            // Without overwrite, Move fails when the file exists (on Unix by link(2), which is atomic).
            File.Move(pending, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first: use theirs.
        }
        finally
        {
            File.Delete(pending);
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
