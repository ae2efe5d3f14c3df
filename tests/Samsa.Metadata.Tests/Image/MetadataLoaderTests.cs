using Samsa.Metadata.Image;
using Samsa.Metadata.Log;
using Samsa.Metadata.Records;

namespace Samsa.Metadata.Tests.Image;

public sealed class MetadataLoaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MetadataBatch Batch(long baseOffset, params IMetadataRecord[] records) =>
        new(baseOffset, 1, DateTimeOffset.UnixEpoch, records);

    private sealed class RecordingPublisher : IMetadataPublisher
    {
        public List<(MetadataImage Previous, MetadataImage Image, MetadataDelta? Delta)> Updates { get; } = [];

        public void OnMetadataUpdate(MetadataImage previous, MetadataImage image, MetadataDelta? delta) =>
            Updates.Add((previous, image, delta));
    }

    [Fact]
    public async Task Waiters_complete_when_their_offset_is_applied()
    {
        var loader = new MetadataLoader();
        Task waiting = loader.WaitForOffsetAsync(1, Ct);

        loader.OnCommit(Batch(0, new ClusterIdRecord { ClusterId = "c" }));
        Assert.False(waiting.IsCompleted);
        loader.OnCommit(Batch(1, new ProducerIdsRecord { NextProducerId = 1000 }));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(1, loader.Current.Offset);
        Assert.True(loader.WaitForOffsetAsync(0, Ct).IsCompletedSuccessfully);
    }

    [Fact]
    public void Publishers_get_the_current_image_then_each_delta()
    {
        var loader = new MetadataLoader();
        loader.OnCommit(Batch(0, new ClusterIdRecord { ClusterId = "c" }));
        var publisher = new RecordingPublisher();

        loader.AddPublisher(publisher);
        loader.OnCommit(Batch(1, new TopicRecord { Name = "logs", TopicId = Guid.NewGuid() }));

        Assert.Equal(2, publisher.Updates.Count);
        Assert.True(publisher.Updates[0].Previous.IsEmpty);
        Assert.Null(publisher.Updates[0].Delta);
        Assert.Equal("logs", Assert.Single(publisher.Updates[1].Delta!.TopicChanges.Values).Name);
        Assert.Same(loader.Current, publisher.Updates[1].Image);
    }

    [Fact]
    public void Readers_see_an_image_only_after_every_publisher_has_acted_on_it()
    {
        var loader = new MetadataLoader();
        loader.OnCommit(Batch(0, new ClusterIdRecord { ClusterId = "c" }));
        var seenDuringUpdate = new List<long>();
        loader.AddPublisher(new CallbackPublisher(() => seenDuringUpdate.Add(loader.Current.Offset)));

        loader.OnCommit(Batch(1, new TopicRecord { Name = "logs", TopicId = Guid.NewGuid() }));
        loader.OnSnapshot(new MetadataSnapshot(7, 1, loader.Current.ToRecords()));

        // While the replica manager opens a new partition, a Metadata answer must not name its leader yet.
        Assert.Equal([0L, 0L, 1L], seenDuringUpdate);
        Assert.Equal(7, loader.Current.Offset);
    }

    private sealed class CallbackPublisher(Action onUpdate) : IMetadataPublisher
    {
        public void OnMetadataUpdate(MetadataImage previous, MetadataImage image, MetadataDelta? delta) => onUpdate();
    }

    [Fact]
    public void Batches_already_applied_are_ignored()
    {
        var loader = new MetadataLoader();
        loader.OnCommit(Batch(0, new ProducerIdsRecord { NextProducerId = 1000 }));
        MetadataImage image = loader.Current;

        loader.OnCommit(Batch(0, new ProducerIdsRecord { NextProducerId = 1000 }));

        Assert.Same(image, loader.Current);
    }

    [Fact]
    public void Snapshot_replaces_the_image()
    {
        var loader = new MetadataLoader();
        loader.OnCommit(Batch(0, new TopicRecord { Name = "old", TopicId = Guid.NewGuid() }));
        MetadataImage source =
            MetadataImage.Empty.Apply([new TopicRecord { Name = "new", TopicId = Guid.NewGuid() }], 40, 3);

        loader.OnSnapshot(new MetadataSnapshot(40, 3, source.ToRecords()));

        Assert.Equal(40, loader.Current.Offset);
        Assert.True(loader.Current.Topics.TryGetTopic("new", out _));
        Assert.False(loader.Current.Topics.TryGetTopic("old", out _));
    }

    [Fact]
    public async Task Batch_that_does_not_apply_stops_the_loader()
    {
        var loader = new MetadataLoader();
        loader.OnCommit(Batch(0, new ClusterIdRecord { ClusterId = "c" }));
        Task waiting = loader.WaitForOffsetAsync(5, Ct);

        MetadataBatch bad = Batch(1, new RemoveTopicRecord { TopicId = Guid.NewGuid() });
        Assert.Throws<InvalidDataException>(() => loader.OnCommit(bad));

        Assert.NotNull(loader.Failure);
        await Assert.ThrowsAsync<InvalidDataException>(() => waiting);
        loader.OnCommit(Batch(2, new ProducerIdsRecord { NextProducerId = 1 }));
        Assert.Equal(0, loader.Current.Offset);
    }
}
