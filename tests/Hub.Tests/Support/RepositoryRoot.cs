namespace Hub.Tests.Support;

/// <summary>The checkout the tests run from: the first directory above the test binaries that holds <c>Hub.sln</c>.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>The repository's root directory.</summary>
    public static string Path => Root.Value;

    /// <summary>The text of <paramref name="relativePath"/> (forward slashes) in the repository.</summary>
    public static string ReadText(string relativePath) =>
        File.ReadAllText(System.IO.Path.Combine([Path, .. relativePath.Split('/')]));

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Hub.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds Hub.sln.");
    }
}
