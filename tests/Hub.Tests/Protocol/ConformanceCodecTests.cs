using System.Buffers;
using System.Text;
using System.Text.Json;
using Hub.Protocol;
using Newtonsoft.Json.Linq;
using Xunit;

namespace Hub.Tests.Protocol;

/// <summary>
/// Every case of Conformance/cases.json through the codec alone, for what the codec decides by itself:
/// parse errors (-32700) and invalid requests (-32600) exactly, with their ids; which entries get a reply
/// at all; and the id each request's reply echoes. What a method answers is left to the end-to-end run.
/// </summary>
public sealed class ConformanceCodecTests
{
    private const int MaxDepth = 64;
    private const int MaxBatch = 100;

    private static readonly Lazy<IReadOnlyDictionary<string, ConformanceCase>> Cases = new(Load);

    public static TheoryData<string> CaseNames => [.. Cases.Value.Keys];

    public static TheoryData<string> CaseNamesWithReply => [.. Cases.Value.Where(c => c.Value.Expect is not null).Select(c => c.Key)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case_parse_level_outcome_matches_the_vector(string name)
    {
        var vector = Cases.Value[name];

        var frame = JsonRpcParser.Parse(Encoding.UTF8.GetBytes(vector.Send), MaxDepth, MaxBatch);

        switch (frame)
        {
            case ParsedFrame.Rejected rejected:
                Assert.Equal(vector.Expect, EncodeError(rejected.Reply, vector.IgnoreData));
                break;
            case ParsedFrame.Single single:
                AssertReplies(vector, [single.Message], ExpectedReplies(vector, batch: false));
                break;
            case ParsedFrame.Batch batch:
                AssertReplies(vector, batch.Entries, ExpectedReplies(vector, batch: true));
                break;
            default:
                Assert.Fail($"unknown frame {frame}");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(CaseNamesWithReply))]
    public void Case_expected_reply_reads_and_writes_back_unchanged(string name)
    {
        var expect = Cases.Value[name].Expect!;

        var token = JsonText.TryParse(Encoding.UTF8.GetBytes(expect), MaxDepth, out var error);

        Assert.True(token is not null, error);
        Assert.Equal(expect, Write(token));
    }

    [Fact]
    public void Cases_file_is_loaded_with_unique_names()
    {
        var count = JsonDocument.Parse(File.ReadAllBytes(CasesPath())).RootElement.GetArrayLength();

        Assert.True(count > 100, $"only {count} cases");
        Assert.Equal(count, Cases.Value.Count);
    }

    private static void AssertReplies(ConformanceCase vector, IReadOnlyList<JsonRpcMessage> entries, List<string> expected)
    {
        // Notifications and client replies are never answered; requests and invalid entries are, in order.
        var answered = entries.Where(e => e is JsonRpcRequest or JsonRpcInvalid).ToList();
        Assert.Equal(answered.Count, expected.Count);
        for (var i = 0; i < answered.Count; i++)
        {
            switch (answered[i])
            {
                case JsonRpcInvalid invalid:
                    var failure = new JsonRpcFailure(invalid.Id, JsonRpcError.InvalidRequest(invalid.Reason));
                    Assert.Equal(expected[i], EncodeError(failure, vector.IgnoreData));
                    break;
                case JsonRpcRequest request:
                    var reply = Assert.IsType<JObject>(JsonText.TryParse(Encoding.UTF8.GetBytes(expected[i]), MaxDepth, out _));
                    Assert.EndsWith(",\"id\":" + IdText(request.Id) + "}", expected[i], StringComparison.Ordinal);
                    var code = (int?)(reply["error"] as JObject)?["code"];
                    Assert.NotEqual(JsonRpcErrorCodes.ParseError, code);
                    Assert.NotEqual(JsonRpcErrorCodes.InvalidRequest, code);
                    break;
            }
        }
    }

    private static List<string> ExpectedReplies(ConformanceCase vector, bool batch)
    {
        if (vector.Expect is null)
        {
            return [];
        }

        if (!batch)
        {
            return [vector.Expect];
        }

        var array = Assert.IsType<JArray>(JsonText.TryParse(Encoding.UTF8.GetBytes(vector.Expect), MaxDepth, out _));
        return [.. array.Select(Write)];
    }

    private static string EncodeError(JsonRpcFailure failure, bool ignoreData) =>
        Encoding.UTF8.GetString(JsonRpcEncoder.Failure(failure.Id, ignoreData ? failure.Error with { Data = null } : failure.Error));

    private static string IdText(RequestId id)
    {
        var output = new ArrayBufferWriter<byte>();
        JsonText.Write(output, id.ToToken());
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string Write(JToken? token)
    {
        var output = new ArrayBufferWriter<byte>();
        JsonText.Write(output, token);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string CasesPath() => Path.Combine(AppContext.BaseDirectory, "Conformance", "cases.json");

    private static Dictionary<string, ConformanceCase> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(CasesPath()));
        var cases = new Dictionary<string, ConformanceCase>(StringComparer.Ordinal);
        foreach (var element in document.RootElement.EnumerateArray())
        {
            var name = element.GetProperty("name").GetString()!;
            var expect = element.GetProperty("expect");
            cases.Add(name, new ConformanceCase(
                element.GetProperty("send").GetString()!,
                expect.ValueKind == JsonValueKind.Null ? null : expect.GetString(),
                element.GetProperty("ignore_data").GetBoolean()));
        }

        return cases;
    }

    private sealed record ConformanceCase(string Send, string? Expect, bool IgnoreData);
}
