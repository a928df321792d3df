using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Hub.Protocol;
using Newtonsoft.Json.Linq;

namespace Hub.Bench.Micro;

/// <summary>
/// The hub codec alone: parse and encode a request, a batch of ten, a notification, and a reply, with allocations
/// per call; and the client's side of it, a reply read as the client reads it. Runs in process (BenchmarkDotNet's generated project would inherit the repository's warnings-as-errors).
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private const string Data = "{\"t\":123456789012345,\"s\":42,\"p\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}";

    private static readonly byte[] RequestBytes = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"publish\",\"params\":[\"bench\"," + Data + "],\"id\":42}");
    private static readonly byte[] PingBytes = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":7}"u8.ToArray();
    private static readonly byte[] ReplyBytes = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"result\":" + Data + ",\"id\":42}");
    private static readonly byte[] NotificationBytes = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\"bench\",\"params\":" + Data + "}");
    private static readonly byte[] BatchBytes = Encoding.UTF8.GetBytes(
        "[" + string.Join(',', Enumerable.Range(1, 10).Select(i => "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[" + i + ",2],\"id\":" + i + "}")) + "]");

    private readonly JToken _data = JToken.Parse(Data);
    private readonly JToken _params = JToken.Parse("[\"bench\"," + Data + "]");
    private readonly JToken _pong = new JValue("pong");
    private readonly RequestId _id = RequestId.FromNumber(42);
    private readonly RequestId[] _batchIds = Enumerable.Range(1, 10).Select(i => RequestId.FromNumber(i)).ToArray();

    internal static int Run(BenchOptions options)
    {
        var job = options.Flag("short") ? Job.ShortRun : Job.Default;
        var config = DefaultConfig.Instance.AddJob(job.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        // BenchOptions takes "--filter X" for a pair of its own: hand it back to BenchmarkDotNet.
        string[] args = [.. options.Rest, "--filter", options.String("filter", "*")];
        var summaries = BenchmarkSwitcher.FromTypes([typeof(CodecBenchmarks), typeof(MemberNameBenchmarks), typeof(RateLimitBenchmarks)]).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }

    [Benchmark]
    public object ParsePing() => JsonRpcParser.Parse(PingBytes, 64, 100);

    [Benchmark]
    public object ParseRequest() => JsonRpcParser.Parse(RequestBytes, 64, 100);

    [Benchmark]
    public object ParseBatch() => JsonRpcParser.Parse(BatchBytes, 64, 100);

    [Benchmark]
    public object ParseNotification() => JsonRpcParser.Parse(NotificationBytes, 64, 100);

    [Benchmark]
    public object ParseReplyFromServer() => JsonRpcParser.ParseFromServer(ReplyBytes, 64);

    [Benchmark]
    public byte[] EncodeRequest() => JsonRpcEncoder.Request(_id, "publish", _params);

    [Benchmark]
    public byte[] EncodeReply() => JsonRpcEncoder.Success(_id, _pong);

    [Benchmark]
    public byte[] EncodeBatch()
    {
        var replies = new byte[_batchIds.Length][];
        for (var i = 0; i < replies.Length; i++)
        {
            replies[i] = JsonRpcEncoder.Success(_batchIds[i], _pong);
        }

        return JsonRpcEncoder.Batch(replies);
    }

    [Benchmark]
    public byte[] EncodeNotification() => JsonRpcEncoder.Notification("bench", _data);
}
