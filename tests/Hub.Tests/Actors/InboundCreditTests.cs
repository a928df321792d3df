using Hub.Connections;
using Hub.Tests.Support;

namespace Hub.Tests.Actors;

public sealed class InboundCreditTests
{
    [Fact]
    public void Takes_within_the_window_complete_at_once_and_the_next_waits()
    {
        var credit = new InboundCredit(2);

        Assert.True(Done(credit.TakeAsync()));
        Assert.True(Done(credit.TakeAsync()));
        Assert.True(Pending(credit.TakeAsync()));
    }

    [Fact]
    public async Task A_returned_credit_completes_the_waiting_take()
    {
        var credit = await FullAsync();
        var waiting = credit.TakeAsync().AsTask();

        credit.Return();

        await waiting.WaitAsync(Waits.Max);
        Assert.True(Pending(credit.TakeAsync()));
    }

    [Fact]
    public async Task A_waiting_take_is_granted_once_half_the_window_is_free()
    {
        var credit = new InboundCredit(4);
        for (var i = 0; i < 4; i++)
        {
            await credit.TakeAsync();
        }

        var waiting = credit.TakeAsync().AsTask();
        credit.Return();
        Assert.False(waiting.IsCompleted);

        credit.Return();

        await waiting.WaitAsync(Waits.Max);
        Assert.True(Done(credit.TakeAsync()));
        Assert.True(Pending(credit.TakeAsync()));
    }

    [Fact]
    public async Task Credits_returned_while_nobody_waits_are_kept()
    {
        var credit = await FullAsync();

        credit.Return();

        Assert.True(Done(credit.TakeAsync()));
        Assert.True(Pending(credit.TakeAsync()));
    }

    [Fact]
    public async Task The_same_credit_serves_wait_after_wait()
    {
        var credit = await FullAsync();

        for (var i = 0; i < 100; i++)
        {
            var waiting = credit.TakeAsync().AsTask();
            credit.Return();
            await waiting.WaitAsync(Waits.Max);
        }

        Assert.True(Pending(credit.TakeAsync()));
    }

    [Fact]
    public async Task Cancel_fails_the_waiting_take_and_every_later_one()
    {
        var credit = await FullAsync();
        var waiting = credit.TakeAsync().AsTask();

        credit.Cancel();

        await Assert.ThrowsAsync<OperationCanceledException>(() => waiting.WaitAsync(Waits.Max));
        await Assert.ThrowsAsync<OperationCanceledException>(() => credit.TakeAsync().AsTask());
    }

    [Fact]
    public async Task A_second_waiter_is_refused()
    {
        var credit = await FullAsync();
        Assert.True(Pending(credit.TakeAsync()));

        Assert.Throws<InvalidOperationException>(() => Pending(credit.TakeAsync()));
    }

    [Fact]
    public void A_returned_credit_releases_its_frame_size()
    {
        var released = new List<long>();
        var credit = new InboundCredit(2, released.Add);
        Assert.True(Done(credit.TakeAsync(10)));
        Assert.True(Done(credit.TakeAsync(20)));

        credit.Return();

        Assert.Equal([10L], released);
    }

    [Fact]
    public async Task A_waiting_take_holds_its_size_once_granted()
    {
        var released = new List<long>();
        var credit = new InboundCredit(1, released.Add);
        Assert.True(Done(credit.TakeAsync(10)));
        var waiting = credit.TakeAsync(20).AsTask();

        credit.Return();
        await waiting.WaitAsync(Waits.Max);
        credit.Return();

        Assert.Equal([10L, 20L], released);
    }

    [Fact]
    public void Cancel_releases_the_sizes_of_frames_never_handled_once()
    {
        var released = new List<long>();
        var credit = new InboundCredit(4, released.Add);
        Assert.True(Done(credit.TakeAsync(10)));
        Assert.True(Done(credit.TakeAsync(20)));
        Assert.True(Done(credit.TakeAsync(30)));
        credit.Return();

        credit.Cancel();
        credit.Return();

        Assert.Equal([10L, 50L], released);
    }

    /// <summary>A credit of one, taken: the next take waits.</summary>
    private static async Task<InboundCredit> FullAsync()
    {
        var credit = new InboundCredit(1);
        await credit.TakeAsync();
        return credit;
    }

    private static bool Done(ValueTask take) => take.IsCompletedSuccessfully;

    private static bool Pending(ValueTask take) => !take.IsCompleted;
}
