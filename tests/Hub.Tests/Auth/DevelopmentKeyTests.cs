using System.Net;
using Hub.Host.Auth;
using Hub.Host.Configuration;
using Hub.Tests.Support;

namespace Hub.Tests.Auth;

/// <summary>
/// With no signing key configured the hub and the token command share a random key, created on first use in a file
/// only the user can read; the public development key of earlier versions is refused.
/// </summary>
public sealed class DevelopmentKeyTests : IDisposable
{
    private const string WhoAmI = "{\"jsonrpc\":\"2.0\",\"method\":\"whoami\",\"id\":1}";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hub-key-test-" + Guid.NewGuid().ToString("N"));

    private string KeyFile => Path.Combine(_directory, "hub", "signing-key");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Hub_without_a_key_creates_a_key_file_only_the_user_can_read()
    {
        await using var hub = await TestHub.StartAsync(Settings());

        Assert.True(File.Exists(KeyFile), $"no key file at {KeyFile}");
        Assert.True(File.ReadAllText(KeyFile).Trim().Length >= 32);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
    }

    [Fact]
    public async Task Token_from_the_token_command_is_accepted_by_a_hub_without_a_key_and_after_its_restart()
    {
        var token = MintWithTokenCommand("alice");
        var key = File.ReadAllText(KeyFile);

        string before;
        await using (var hub = await TestHub.StartAsync(Settings()))
        {
            await using var socket = await AuthenticatedSocket.ConnectAsync(hub.WebSocketUri, token);
            before = await socket.CallAsync(WhoAmI);
        }

        await using var restarted = await TestHub.StartAsync(Settings());
        await using var again = await AuthenticatedSocket.ConnectAsync(restarted.WebSocketUri, token);
        var after = await again.CallAsync(WhoAmI);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"user\":\"alice\",\"permissions\":[]},\"id\":1}", before);
        Assert.Equal(before, after);
        Assert.Equal(key, File.ReadAllText(KeyFile));
    }

    [Fact]
    public async Task Hub_without_a_key_refuses_a_token_signed_with_the_old_public_development_key()
    {
        // The key earlier versions used when none was configured; it is public, so anyone could mint tokens.
        var forged = HubJwt.CreateToken(new HubAuthOptions { SigningKey = "hub-development-key-do-not-use-in-production-0123456789" }, "root", [], [], superuser: true, TimeSpan.FromHours(1));
        await using var hub = await TestHub.StartAsync(Settings());

        var status = await AuthenticatedSocket.RefusedStatusAsync(hub.WebSocketUri, forged);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public void Token_command_without_a_key_says_which_key_file_it_signed_with()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = TokenCommand.Run(["--user", "bob", "--Hub:Auth:DevelopmentKeyFile", KeyFile], output, error);

        Assert.Equal(0, exit);
        Assert.Contains(KeyFile, error.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(KeyFile));
    }

    [Fact]
    public async Task Creators_racing_for_a_new_key_file_all_end_with_the_one_key()
    {
        for (var round = 0; round < 50; round++)
        {
            var path = Path.Combine(_directory, "race-" + round, "signing-key");
            using var start = new Barrier(8);

            var keys = Enumerable.Range(0, 8)
                .Select(_ => Task.Factory.StartNew(() => { start.SignalAndWait(Waits.Max); return DevelopmentKey.LoadOrCreate(path); }, TaskCreationOptions.LongRunning))
                .ToArray();
            var results = await Task.WhenAll(keys).WaitAsync(Waits.Max);

            Assert.Single(results.Distinct(StringComparer.Ordinal));
            Assert.Equal(File.ReadAllText(path).Trim(), results[0]);
            Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
    }

    [Fact]
    public void Key_file_open_to_other_users_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes; on Windows the profile's ACL guards the file.
        }

        DevelopmentKey.LoadOrCreate(KeyFile);
        File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<InvalidOperationException>(() => HubJwt.SigningKey(new HubAuthOptions { DevelopmentKeyFile = KeyFile }));

        Assert.Contains(KeyFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_file_left_empty_by_a_creator_that_died_is_refused_with_its_path()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        using (File.Create(KeyFile))
        {
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var error = Assert.Throws<InvalidOperationException>(() => DevelopmentKey.LoadOrCreate(KeyFile));

        Assert.Contains(KeyFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_file_is_hub_signing_key_in_the_users_application_data_by_default()
    {
        var data = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify);

        Assert.Equal(Path.Combine(data, "hub", "signing-key"), DevelopmentKey.DefaultPath);
        Assert.Null(new HubAuthOptions().DevelopmentKeyFile);
    }

    [Fact]
    public void Tests_keep_the_development_key_out_of_the_users_profile()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        TokenCommand.Run(["--user", "carol"], output, error);

        Assert.Contains(TestDevelopmentKey.Directory, error.ToString(), StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Hub:Auth:DevelopmentKeyFile"] = KeyFile,
    };

    private string MintWithTokenCommand(string user)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, TokenCommand.Run(["--user", user, "--Hub:Auth:DevelopmentKeyFile", KeyFile], output, error));
        return output.ToString().Trim();
    }
}
