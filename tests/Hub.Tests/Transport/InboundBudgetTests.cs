using Hub.Host.Transport;
using Hub.Tests.Support;

namespace Hub.Tests.Transport;

public sealed class InboundBudgetTests
{
    /// <summary>64 KiB: larger requests may use 56 KiB of it, a message's first 4 KiB the rest too.</summary>
    private const long Limit = 64 * 1024;

    [Fact]
    public void First_buffer_may_use_the_last_eighth_that_larger_requests_may_not()
    {
        var budget = new InboundBudget(Limit);
        Assert.True(budget.TryAcquire(56 * 1024, first: false));

        var large = budget.TryAcquire(1, first: false);
        var small = budget.TryAcquire(InboundBudget.FirstBufferBytes, first: true);

        Assert.False(large);
        Assert.True(small);
        Assert.Equal((56 * 1024) + InboundBudget.FirstBufferBytes, budget.Held);
    }

    [Fact]
    public async Task Waiting_request_is_granted_once_enough_is_released()
    {
        var budget = new InboundBudget(Limit);
        Assert.True(budget.TryAcquire(48 * 1024, first: false));
        var waiting = budget.AcquireAsync(16 * 1024, first: false, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        budget.Release(8 * 1024);

        await waiting.WaitAsync(Waits.Max);
        Assert.Equal(56 * 1024, budget.Held);
    }

    [Fact]
    public async Task Small_request_does_not_wait_behind_a_large_one()
    {
        var budget = new InboundBudget(Limit);
        Assert.True(budget.TryAcquire(48 * 1024, first: false));
        var large = budget.AcquireAsync(16 * 1024, first: false, CancellationToken.None);

        var small = budget.AcquireAsync(InboundBudget.FirstBufferBytes, first: true, CancellationToken.None);

        await small.WaitAsync(Waits.Max);
        Assert.False(large.IsCompleted);
    }

    [Fact]
    public void Larger_request_does_not_pass_one_of_its_kind_that_waits()
    {
        var budget = new InboundBudget(Limit);
        Assert.True(budget.TryAcquire(48 * 1024, first: false));
        _ = budget.AcquireAsync(16 * 1024, first: false, CancellationToken.None);

        var fitting = budget.TryAcquire(4 * 1024, first: false);

        Assert.False(fitting);
    }

    [Fact]
    public async Task Cancelled_wait_takes_nothing_and_lets_the_next_waiter_in()
    {
        var budget = new InboundBudget(Limit);
        Assert.True(budget.TryAcquire(48 * 1024, first: false));
        using var cancel = new CancellationTokenSource();
        var big = budget.AcquireAsync(16 * 1024, first: false, cancel.Token);
        var fitting = budget.AcquireAsync(8 * 1024, first: false, CancellationToken.None);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => big.WaitAsync(Waits.Max));
        await fitting.WaitAsync(Waits.Max);
        Assert.Equal(56 * 1024, budget.Held);
    }
}
