using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Log;
using Samsa.Metadata.Records;

namespace Samsa.Metadata.Tests.Log;

/// <summary>
/// The metadata log as a follower fetches it: whole batches as Kafka record batches, long polling at the end, a
/// snapshot for one far behind, and a refusal for one ahead of the log.
/// </summary>
public sealed class MetadataLogServerTests
{
    private static CancellationToken Ct => ControllerFixture.Ct;

    private static async Task<ControllerFixture> ClusterWithTopicsAsync(int topics)
    {
        var fixture = new ControllerFixture();
        Assert.True((await fixture.Controller.BootstrapAsync("cluster-a", Ct)).IsOk);
        await fixture.StartBrokersAsync(1, 2);
        for (int i = 0; i < topics; i++)
        {
            IReadOnlyList<CreateTopicResult> created = await fixture.Controller.CreateTopicsAsync(
                [new NewTopic($"topic-{i}", 2, 1)], validateOnly: false, Ct);
            Assert.Equal(ControllerStatus.Ok, created[0].Status);
        }
        return fixture;
    }

    [Fact]
    public async Task A_follower_applying_every_fetched_batch_builds_the_controllers_image()
    {
        await using ControllerFixture fixture = await ClusterWithTopicsAsync(topics: 5);
        var server = new MetadataLogServer(fixture.Log, fixture.Loader, TimeProvider.System);
        var follower = new MetadataLoader();
        long offset = 0;
        while (offset <= fixture.Log.CommittedOffset)
        {
            MetadataFetchResult result = await server.FetchAsync(offset, TimeSpan.Zero, maxBytes: 200, Ct);
            Assert.Equal(MetadataFetchStatus.Ok, result.Status);
            Assert.False(result.HasSnapshot);
            Assert.Equal(fixture.Log.CommittedOffset + 1, result.HighWatermark);
            List<MetadataBatch> batches = MetadataWireFormat.ReadBatches(result.Records!.Value);
            Assert.NotEmpty(batches);
            Assert.Equal(offset, batches[0].BaseOffset);
            foreach (MetadataBatch batch in batches) follower.OnCommit(batch);
            offset = batches[^1].LastOffset + 1;
        }
        AssertSameImage(fixture.Image, follower.Current);
    }

    [Fact]
    public async Task A_fetch_at_the_end_waits_for_the_next_commit_or_its_max_wait()
    {
        await using ControllerFixture fixture = await ClusterWithTopicsAsync(topics: 0);
        var server = new MetadataLogServer(fixture.Log, fixture.Loader, TimeProvider.System);
        long end = fixture.Log.CommittedOffset + 1;

        MetadataFetchResult idle = await server.FetchAsync(end, TimeSpan.FromMilliseconds(50), 1 << 20, Ct);
        Assert.Null(idle.Records);
        Assert.Equal(end, idle.HighWatermark);

        Task<MetadataFetchResult> waiting = server.FetchAsync(end, TimeSpan.FromSeconds(30), 1 << 20, Ct);
        Assert.False(waiting.IsCompleted);
        await fixture.Controller.CreateTopicsAsync([new NewTopic("late", 1, 1)], validateOnly: false, Ct);
        MetadataFetchResult woken = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        MetadataBatch batch = Assert.Single(MetadataWireFormat.ReadBatches(woken.Records!.Value));
        Assert.Equal(end, batch.BaseOffset);
        Assert.Contains(batch.Records, r => r is TopicRecord { Name: "late" });
    }

    [Fact]
    public async Task A_follower_far_behind_loads_a_snapshot_read_in_pieces_then_fetches_on_from_its_end()
    {
        await using ControllerFixture fixture = await ClusterWithTopicsAsync(topics: 20);
        var server = new MetadataLogServer(fixture.Log, fixture.Loader, TimeProvider.System, snapshotLag: 10);

        MetadataFetchResult result = await server.FetchAsync(0, TimeSpan.Zero, 1 << 20, Ct);
        Assert.True(result.HasSnapshot);
        Assert.Null(result.Records);
        (long endOffset, int epoch) = result.SnapshotId;
        Assert.Equal(fixture.Log.CommittedOffset + 1, endOffset);

        var bytes = new List<byte>();
        long size;
        do
        {
            MetadataSnapshotChunk chunk = server.ReadSnapshot(endOffset, epoch, bytes.Count, maxBytes: 100)
                ?? throw new InvalidOperationException("the snapshot is gone");
            Assert.Equal(bytes.Count, chunk.Position);
            Assert.InRange(chunk.Bytes.Length, 1, 100);
            bytes.AddRange(chunk.Bytes.ToArray());
            size = chunk.Size;
        } while (bytes.Count < size);
        Assert.Null(server.ReadSnapshot(endOffset + 1, epoch, 0, 100));

        var follower = new MetadataLoader();
        follower.OnSnapshot(new MetadataSnapshot(endOffset - 1, epoch,
            MetadataWireFormat.ReadSnapshot(bytes.ToArray())));
        AssertSameImage(fixture.Image, follower.Current);

        await fixture.Controller.CreateTopicsAsync([new NewTopic("after", 1, 1)], validateOnly: false, Ct);
        MetadataFetchResult next = await server.FetchAsync(endOffset, TimeSpan.Zero, 1 << 20, Ct);
        Assert.False(next.HasSnapshot);
        foreach (MetadataBatch batch in MetadataWireFormat.ReadBatches(next.Records!.Value)) follower.OnCommit(batch);
        AssertSameImage(fixture.Image, follower.Current);
    }

    [Fact]
    public async Task A_follower_ahead_of_the_log_is_refused()
    {
        await using ControllerFixture fixture = await ClusterWithTopicsAsync(topics: 0);
        var server = new MetadataLogServer(fixture.Log, fixture.Loader, TimeProvider.System);

        MetadataFetchResult result = await server.FetchAsync(fixture.Log.CommittedOffset + 5, TimeSpan.Zero, 100, Ct);

        Assert.Equal(MetadataFetchStatus.OffsetOutOfRange, result.Status);
    }

    private static void AssertSameImage(MetadataImage expected, MetadataImage actual)
    {
        Assert.Equal(expected.Offset, actual.Offset);
        Assert.Equal(expected.ToRecords().Select(MetadataRecordSerde.Serialize),
            actual.ToRecords().Select(MetadataRecordSerde.Serialize));
    }
}
