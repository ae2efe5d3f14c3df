using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

public sealed class GroupCommitTests
{
    private static readonly LogOptions Fsync = LogOptions.Default with { FlushMode = LogFlushMode.Fsync };

    [Fact]
    public async Task Concurrent_appends_share_syncs_and_all_complete_in_order()
    {
        using var test = new TestLog(Fsync);
        const int Appends = 400;
        var pending = new Task<AppendResult>[Appends];
        for (int i = 0; i < Appends; i++)
            pending[i] = test.Log.AppendAsync(Batches.Create(1, test.NowMs, valueBytes: 64), 0).AsTask();

        var results = new AppendResult[Appends];
        for (int i = 0; i < Appends; i++)
            results[i] = await pending[i];

        Assert.All(results, r => Assert.Equal(AppendStatus.Ok, r.Status));
        Assert.Equal(Enumerable.Range(0, Appends).Select(i => (long)i), results.Select(r => r.FirstOffset));
        Assert.Equal(Appends, test.Log.LogEndOffset);
        Assert.InRange(test.Log.SyncCount, 1, Appends - 1);
        Assert.Equal(Appends, test.ReadAll().Count);
    }

    [Fact]
    public async Task Appends_from_many_threads_share_syncs()
    {
        using var test = new TestLog(Fsync);
        const int Threads = 8;
        const int PerThread = 40;
        var tasks = new Task[Threads];
        for (int t = 0; t < Threads; t++)
        {
            tasks[t] = Task.Run(async () =>
            {
                for (int i = 0; i < PerThread; i++)
                {
                    AppendResult result = await test.Log.AppendAsync(Batches.Create(1, 0, valueBytes: 32), 0);
                    Assert.Equal(AppendStatus.Ok, result.Status);
                }
            }, TestContext.Current.CancellationToken);
        }
        await Task.WhenAll(tasks);

        Assert.Equal(Threads * PerThread, test.Log.LogEndOffset);
        Assert.True(test.Log.SyncCount < Threads * PerThread, $"{test.Log.SyncCount} syncs");
    }

    [Fact]
    public async Task Readers_see_an_fsync_mode_append_only_after_its_sync()
    {
        using var gate = new ManualResetEventSlim(false);
        var faults = new FaultInjector();
        using var test = new TestLog(Fsync, faults);
        faults.SyncGate = gate;

        Task<AppendResult> pending = test.Log.AppendAsync(Batches.Create(2, test.NowMs), 0).AsTask();

        Assert.False(pending.IsCompleted);
        Assert.Equal(0, test.Log.LogEndOffset);
        using (LogReadResult before = test.Log.Read(0, 1000))
            Assert.True(before.IsEmpty);
        gate.Set();
        AppendResult result = await pending;
        Assert.Equal(AppendStatus.Ok, result.Status);
        Assert.Equal(2, test.Log.LogEndOffset);
        Assert.Single(test.ReadAll());
    }

    [Fact]
    public async Task A_roll_in_fsync_mode_completes_the_appends_in_the_old_segment()
    {
        using var test = new TestLog(Fsync with { SegmentBytes = 300 });
        var pending = new List<Task<AppendResult>>();
        for (int i = 0; i < 20; i++)
            pending.Add(test.Log.AppendAsync(Batches.Create(2, test.NowMs, valueBytes: 50), 0).AsTask());

        foreach (Task<AppendResult> append in pending)
            Assert.Equal(AppendStatus.Ok, (await append).Status);

        Assert.Equal(20, test.Log.SegmentCount);
        Assert.Equal(20, test.ReadAll().Count);
    }

    [Fact]
    public void Replicated_mode_completes_appends_synchronously_without_syncing()
    {
        using var test = new TestLog();

        Assert.True(IsDone(test.Log.AppendAsync(Batches.Create(1, test.NowMs), 0)));
        Assert.Equal(0, test.Log.SyncCount);
    }

    private static bool IsDone(ValueTask<AppendResult> append) => append.IsCompletedSuccessfully;
}
