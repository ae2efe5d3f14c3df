using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Samsa.Metadata.Image;
using Samsa.Metadata.Log;
using Samsa.Metadata.Records;

namespace Samsa.Metadata.Tests.Log;

public sealed class LocalMetadataLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private LocalMetadataLog Open() => LocalMetadataLog.Open(_dir.Path, nodeId: 1, _time, NullLogger.Instance);

    private string FilePath => Path.Combine(_dir.Path, LocalMetadataLog.DirectoryName, LocalMetadataLog.FileName);

    private static IMetadataRecord[] Batch(int i) =>
    [
        new TopicRecord { Name = $"topic-{i}", TopicId = Guid.NewGuid() },
        new ConfigRecord { ResourceType = 2, ResourceName = $"topic-{i}", Name = "retention.ms", Value = $"{i}" },
    ];

    private static async Task<List<MetadataBatch>> ReadAllAsync(IMetadataLog log, long from = 0)
    {
        var batches = new List<MetadataBatch>();
        await foreach (MetadataBatch b in log.ReadAsync(from, Ct)) batches.Add(b);
        return batches;
    }

    [Fact]
    public async Task Append_assigns_contiguous_offsets_and_reads_back()
    {
        await using LocalMetadataLog log = Open();
        Assert.Equal(-1, log.CommittedOffset);
        Assert.Equal(new LeaderAndEpoch(1, 1), log.Leader);

        MetadataAppendResult first = await log.AppendAsync(1, Batch(0), Ct);
        MetadataAppendResult second = await log.AppendAsync(1, Batch(1), Ct);

        Assert.Equal(new MetadataAppendResult(MetadataAppendStatus.Ok, 0, 1), first);
        Assert.Equal(new MetadataAppendResult(MetadataAppendStatus.Ok, 2, 3), second);
        Assert.Equal(3, log.CommittedOffset);
        List<MetadataBatch> all = await ReadAllAsync(log);
        Assert.Equal([0L, 2L], all.Select(b => b.BaseOffset));
        Assert.Equal("topic-1", ((TopicRecord)all[1].Records[0]).Name);
        Assert.Equal(_time.GetUtcNow(), all[0].AppendTime);
        Assert.Equal(2L, Assert.Single(await ReadAllAsync(log, from: 3)).BaseOffset);
        Assert.Equal(2, (await ReadAllAsync(log, from: 1)).Count);
    }

    [Fact]
    public async Task Append_in_a_stale_epoch_writes_nothing()
    {
        await using LocalMetadataLog log = Open();

        MetadataAppendResult result = await log.AppendAsync(0, Batch(0), Ct);

        Assert.Equal(MetadataAppendStatus.NotLeader, result.Status);
        Assert.Equal(-1, log.CommittedOffset);
    }

    [Fact]
    public async Task Reopened_log_replays_everything_and_leads_in_a_new_epoch()
    {
        await using (LocalMetadataLog log = Open())
        {
            for (int i = 0; i < 5; i++) await log.AppendAsync(log.Leader.Epoch, Batch(i), Ct);
        }

        await using LocalMetadataLog reopened = Open();
        var listener = new RecordingListener();
        using IDisposable _ = reopened.Subscribe(listener);

        Assert.Equal(9, reopened.CommittedOffset);
        Assert.Equal(2, reopened.Leader.Epoch);
        Assert.Equal([0L, 2L, 4L, 6L, 8L], listener.Batches.Select(b => b.BaseOffset));
        Assert.All(listener.Batches, b => Assert.Equal(1, b.Epoch));
        MetadataAppendResult next = await reopened.AppendAsync(2, Batch(5), Ct);
        Assert.Equal(10, next.BaseOffset);
        Assert.Equal(2, listener.Batches[^1].Epoch);
    }

    [Theory, InlineData(1), InlineData(3), InlineData(4), InlineData(20), InlineData(40)]
    public async Task Torn_tail_is_truncated_to_the_last_whole_entry(int bytesCut)
    {
        await using (LocalMetadataLog log = Open())
        {
            for (int i = 0; i < 3; i++) await log.AppendAsync(1, Batch(i), Ct);
        }
        long length = new FileInfo(FilePath).Length;
        using (FileStream f = File.OpenWrite(FilePath)) f.SetLength(length - bytesCut);

        await using LocalMetadataLog reopened = Open();

        Assert.Equal(3, reopened.CommittedOffset);
        Assert.Equal(2, (await ReadAllAsync(reopened)).Count);
        Assert.True(new FileInfo(FilePath).Length < length - bytesCut);
        MetadataAppendResult next = await reopened.AppendAsync(reopened.Leader.Epoch, Batch(9), Ct);
        Assert.Equal(4, next.BaseOffset);
        await using LocalMetadataLog again = await ReopenAsync(reopened);
        Assert.Equal(5, again.CommittedOffset);
    }

    [Fact]
    public async Task Entry_with_a_bad_crc_ends_the_log()
    {
        await using (LocalMetadataLog log = Open())
        {
            for (int i = 0; i < 3; i++) await log.AppendAsync(1, Batch(i), Ct);
        }
        byte[] bytes = await File.ReadAllBytesAsync(FilePath, Ct);
        bytes[^5] ^= 0xFF;
        await File.WriteAllBytesAsync(FilePath, bytes, Ct);

        await using LocalMetadataLog reopened = Open();

        Assert.Equal(3, reopened.CommittedOffset);
    }

    [Fact]
    public async Task Zeroed_tail_after_a_crash_is_truncated()
    {
        await using (LocalMetadataLog log = Open()) await log.AppendAsync(1, Batch(0), Ct);
        long length = new FileInfo(FilePath).Length;
        using (FileStream f = File.OpenWrite(FilePath)) f.SetLength(length + 4096);

        await using LocalMetadataLog reopened = Open();

        Assert.Equal(1, reopened.CommittedOffset);
        Assert.Equal(length, new FileInfo(FilePath).Length);
    }

    [Fact]
    public async Task Entry_with_a_valid_crc_but_wrong_offset_stops_the_open()
    {
        await using (LocalMetadataLog log = Open()) await log.AppendAsync(1, Batch(0), Ct);
        byte[] stray = MetadataLogEntry.Encode(7, 1, _time.GetUtcNow(), Batch(1))!;
        using (FileStream f = new(FilePath, FileMode.Append)) await f.WriteAsync(stray, Ct);

        Assert.Throws<InvalidDataException>(Open);
    }

    [Fact]
    public async Task Subscribers_see_every_batch_in_order_once()
    {
        await using LocalMetadataLog log = Open();
        await log.AppendAsync(1, Batch(0), Ct);
        var early = new RecordingListener();
        using IDisposable s1 = log.Subscribe(early);

        // The late listener subscribes once the writers' batches have begun to commit, while writers 1 and 3 may
        // still be appending and before writers 2 and 4 append their second halves.
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task[] writers = [.. Enumerable.Range(1, 4).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                if (i == 5 && w % 2 == 0) await subscribed.Task.WaitAsync(Ct);
                await log.AppendAsync(1, Batch(w * 100 + i), Ct);
            }
        }, Ct))];
        var late = new RecordingListener();
        await Eventually.TrueAsync(() => early.Batches.Count > 1, TimeSpan.FromSeconds(10),
            "a writer's batch to commit");
        using IDisposable s2 = log.Subscribe(late);
        subscribed.SetResult();
        await Task.WhenAll(writers);

        foreach (RecordingListener listener in new[] { early, late })
        {
            Assert.False(listener.SawConcurrentCall);
            Assert.Equal(Enumerable.Range(0, 41).Select(i => i * 2L), listener.Batches.Select(b => b.BaseOffset));
        }
    }

    [Fact]
    public async Task Unsubscribed_listener_hears_no_more()
    {
        await using LocalMetadataLog log = Open();
        var listener = new RecordingListener();
        IDisposable subscription = log.Subscribe(listener);
        await log.AppendAsync(1, Batch(0), Ct);

        subscription.Dispose();
        await log.AppendAsync(1, Batch(1), Ct);

        Assert.Single(listener.Batches);
    }

    [Fact]
    public async Task Log_replayed_into_a_loader_builds_the_image()
    {
        await using (LocalMetadataLog log = Open())
        {
            await log.AppendAsync(1, [new ClusterIdRecord { ClusterId = "c1" }], Ct);
            await log.AppendAsync(1, Batch(0), Ct);
        }
        await using LocalMetadataLog reopened = Open();
        var loader = new MetadataLoader();

        using IDisposable subscription = reopened.Subscribe(loader);
        await loader.WaitForOffsetAsync(reopened.CommittedOffset, Ct);

        Assert.Equal("c1", loader.Current.ClusterId);
        Assert.True(loader.Current.Topics.TryGetTopic("topic-0", out _));
        Assert.Equal(2, loader.Current.Offset);
    }

    private async Task<LocalMetadataLog> ReopenAsync(LocalMetadataLog log)
    {
        await log.DisposeAsync();
        return Open();
    }

    public void Dispose() => _dir.Dispose();
}
