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

        // A process that created the file a moment ago may still be writing it; its key is whole once the line ends.
        // Nothing signals that across processes, so look again briefly (a few microseconds of writing, in practice).
        var text = File.ReadAllText(path);
        for (var attempt = 0; !text.EndsWith('\n') && attempt < 100; attempt++)
        {
            Thread.Sleep(10);
            text = File.ReadAllText(path);
        }

        var key = text.Trim();
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

        // CreateNew (O_EXCL) lets exactly one of the processes starting at once (three nodes of scripts/cluster.sh)
        // make the file; the others read its key. Not File.Move to a new name: without overwrite it checks that the
        // name is free and then renames, so two creators can both succeed, and the second replaces the first's key.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(Base64Url(RandomNumberGenerator.GetBytes(32)) + "\n"));
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first: use theirs.
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
