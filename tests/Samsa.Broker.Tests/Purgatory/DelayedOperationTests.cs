using Microsoft.Extensions.Time.Testing;
using Samsa.Broker.Purgatory;

namespace Samsa.Broker.Tests.Purgatory;

public sealed class DelayedOperationTests
{
    [Fact]
    public void Completes_once_when_its_condition_holds_and_a_watcher_is_notified()
    {
        var time = new FakeTimeProvider();
        var watchers = new WatcherList();
        var operation = new CountingOperation(time, TimeSpan.FromSeconds(1));
        watchers.Watch(operation);
        operation.Arm();

        watchers.Notify();
        Assert.False(operation.IsCompleted);
        operation.Ready = true;
        watchers.Notify();
        watchers.Notify();
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, operation.Completions);
        Assert.False(operation.Expired);
        Assert.Equal(0, watchers.Count);
    }

    [Fact]
    public void Expires_at_its_deadline_when_nothing_happens()
    {
        var time = new FakeTimeProvider();
        var operation = new CountingOperation(time, TimeSpan.FromMilliseconds(500));
        operation.Arm();
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(operation.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(operation.Expired);
        operation.Ready = true;
        Assert.False(operation.TryComplete());
        Assert.Equal(1, operation.Completions);
    }

    [Fact]
    public void Concurrent_notifications_complete_each_operation_exactly_once()
    {
        var time = new FakeTimeProvider();
        var watchers = new WatcherList();
        var operations =
            Enumerable.Range(0, 200).Select(_ => new CountingOperation(time, TimeSpan.FromMinutes(1))).ToList();
        foreach (CountingOperation op in operations) watchers.Watch(op);
        foreach (CountingOperation op in operations) op.Ready = true;
        Parallel.For(0, 8, _ => watchers.Notify());
        Assert.All(operations, op => Assert.Equal(1, op.Completions));
        Assert.Equal(0, watchers.Count);
    }

    private sealed class CountingOperation(TimeProvider time, TimeSpan timeout) : DelayedOperation(time, timeout)
    {
        private int _completions;

        public volatile bool Ready;

        public bool Expired { get; private set; }

        public int Completions => Volatile.Read(ref _completions);

        protected override bool CanComplete() => Ready;

        protected override void OnComplete(bool expired)
        {
            Expired = expired;
            Interlocked.Increment(ref _completions);
        }
    }
}
