using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hub.Protocol;

namespace Hub.Bench.Micro;

/// <summary>
/// Parsing a request whose <c>params</c> object has many members, all names distinct or half of them repeats of one
/// name (issue 12, item 7; the corpus entries "params object of 80,000 distinct member names" and "params object of
/// 40,000 member names, the last repeated 40,000 times" have this shape). Both shapes have the same members count
/// and bytes, so their <c>ns/byte</c> should match; a gap that grows with <see cref="Members"/> is a quadratic cost.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TimePerByteConfig))]
public class MemberNameBenchmarks
{
    private byte[] _frame = [];

    /// <summary>Members of the params object; each is 11 bytes, <c>"k00042":0,</c>.</summary>
    [Params(20_000, 80_000)]
    public int Members { get; set; }

    /// <summary>False: every name distinct. True: the first half distinct, the second half repeats of the last of them.</summary>
    [Params(false, true)]
    public bool Repeats { get; set; }

    /// <summary>The frame of one case: <c>{"jsonrpc":"2.0","method":"ping","id":1,"params":{...}}</c>.</summary>
    public static byte[] Frame(int members, bool repeats)
    {
        var text = new StringBuilder("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1,\"params\":{");
        var distinct = repeats ? members / 2 : members;
        for (var i = 0; i < members; i++)
        {
            var name = Math.Min(i, distinct - 1);
            text.Append(i == 0 ? "\"k" : ",\"k").Append(name.ToString("D5", CultureInfo.InvariantCulture)).Append("\":0");
        }

        return Encoding.UTF8.GetBytes(text.Append("}}").ToString());
    }

    [GlobalSetup]
    public void Setup() => _frame = Frame(Members, Repeats);

    [Benchmark]
    public object Parse() => JsonRpcParser.Parse(_frame, 64, 100);
}
