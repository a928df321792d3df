using System.Text;
using Hub.Host.Transport;

namespace Hub.Tests.Transport;

public sealed class InboundBufferTests
{
    [Fact]
    public void First_buffer_is_4_KiB_and_every_later_segment_16_KiB()
    {
        var budget = new InboundBudget(1024 * 1024);
        var buffer = new InboundBuffer(budget);
        var sizes = new List<int>();

        for (var i = 0; i < 4; i++)
        {
            sizes.Add(buffer.NextSegmentBytes);
            Fill(budget, buffer);
        }

        Assert.Equal([4096, 16384, 16384, 16384], sizes);
        Assert.Equal(sizes.Sum(), budget.Held);
    }

    [Fact]
    public void Taken_message_is_what_was_read_and_keeps_only_its_length_held()
    {
        var budget = new InboundBudget(1024 * 1024);
        var buffer = new InboundBuffer(budget);
        var text = new string('a', 4096) + new string('b', 5000);
        var bytes = Encoding.ASCII.GetBytes(text);
        var at = 0;
        while (at < bytes.Length)
        {
            if (buffer.IsFull)
            {
                Assert.True(budget.TryAcquire(buffer.NextSegmentBytes, buffer.IsEmpty));
                buffer.AddSegment();
            }

            var count = Math.Min(buffer.Free.Length, bytes.Length - at);
            bytes.AsSpan(at, count).CopyTo(buffer.Free.Span);
            buffer.Advance(count);
            at += count;
        }

        var message = buffer.TakeMessage();

        Assert.Equal(text, Encoding.ASCII.GetString(message));
        Assert.Equal(bytes.Length, budget.Held);
        Assert.True(buffer.IsEmpty);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void Cleared_buffer_gives_every_segment_back_to_the_budget()
    {
        var budget = new InboundBudget(1024 * 1024);
        var buffer = new InboundBuffer(budget);
        Fill(budget, buffer);
        Fill(budget, buffer);

        buffer.Clear();

        Assert.Equal(0, budget.Held);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Segments_are_reused_message_after_message()
    {
        var budget = new InboundBudget(1024 * 1024);
        var buffer = new InboundBuffer(budget);

        for (var i = 0; i < 10; i++)
        {
            Fill(budget, buffer);
            Fill(budget, buffer);
            Fill(budget, buffer);
            buffer.Clear();
        }

        Assert.Equal(2, budget.SegmentsMade);
        Assert.Equal(0, budget.Held);
    }

    /// <summary>Adds a segment and fills it.</summary>
    private static void Fill(InboundBudget budget, InboundBuffer buffer)
    {
        Assert.True(budget.TryAcquire(buffer.NextSegmentBytes, buffer.IsEmpty));
        buffer.AddSegment();
        buffer.Advance(buffer.Free.Length);
    }
}
