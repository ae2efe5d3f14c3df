using Samsa.Storage.Checkpoints;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

public sealed class CheckpointTests
{
    [Fact]
    public void Offset_checkpoints_use_kafkas_text_format()
    {
        using var root = new TempDirectory();
        string path = root.Combine("recovery-point-offset-checkpoint");

        OffsetCheckpointFile.Write(path, new Dictionary<TopicPartition, long>
        {
            [new TopicPartition("orders", 1)] = 42,
            [new TopicPartition("my-topic", 0)] = 7,
        });

        Assert.Equal("0\n2\nmy-topic 0 7\norders 1 42\n", File.ReadAllText(path));
        Assert.Equal(42, OffsetCheckpointFile.Read(path)[new TopicPartition("orders", 1)]);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void High_watermarks_are_kept_in_the_log_dirs_replication_offset_checkpoint()
    {
        using var root = new TempDirectory();
        LogDirectory directory = LogDirectory.Open(root.Path);
        Assert.Empty(directory.ReadHighWatermarks());

        Assert.True(directory.WriteHighWatermarks(new Dictionary<TopicPartition, long>
        {
            [new TopicPartition("orders", 3)] = 1200,
        }));

        Assert.Equal("0\n1\norders 3 1200\n", File.ReadAllText(root.Combine("replication-offset-checkpoint")));
        Assert.Equal(1200, LogDirectory.Open(root.Path).ReadHighWatermarks()[new TopicPartition("orders", 3)]);
    }

    [Theory]
    [InlineData("1\n0\n")]
    [InlineData("0\n2\nt 0 1\n")]
    [InlineData("0\n1\nt zero 1\n")]
    [InlineData("")]
    public void A_torn_or_foreign_checkpoint_is_refused(string text)
    {
        using var root = new TempDirectory();
        string path = root.Combine("log-start-offset-checkpoint");
        File.WriteAllText(path, text);

        Assert.Throws<InvalidDataException>(() => OffsetCheckpointFile.Read(path));
    }

    [Fact]
    public void Leader_epoch_cache_truncates_from_both_ends_as_kafka()
    {
        using var root = new TempDirectory();
        LeaderEpochCache cache = LeaderEpochCache.Load(root.Path, out bool valid);
        Assert.False(valid);
        cache.Assign(1, 0);
        cache.Assign(2, 10);
        cache.Assign(4, 20);
        cache.Assign(4, 25);
        cache.Assign(3, 30);

        cache.TruncateFromStart(15, 100);
        Assert.Equal([new EpochEntry(2, 15), new EpochEntry(4, 20)], cache.Entries);
        cache.TruncateFromEnd(20);
        Assert.Equal([new EpochEntry(2, 15)], cache.Entries);

        LeaderEpochCache loaded = LeaderEpochCache.Load(root.Path, out valid);
        Assert.True(valid);
        Assert.Equal(cache.Entries, loaded.Entries);
        Assert.Equal(2, loaded.LatestEpoch);
    }

    [Theory]
    [InlineData("orders-0", "orders", 0)]
    [InlineData("my-topic-12", "my-topic", 12)]
    [InlineData("__consumer_offsets-49", "__consumer_offsets", 49)]
    public void Partition_directories_parse(string name, string topic, int partition)
    {
        Assert.True(TopicPartition.TryParseDirectoryName(name, out TopicPartition tp));
        Assert.Equal(new TopicPartition(topic, partition), tp);
        Assert.Equal(name, tp.DirectoryName);
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("orders-")]
    [InlineData("-1")]
    [InlineData("orders-0.2f1e8e5d9f4b4b5e9f7d2c3b1a0e9d8c-delete")]
    [InlineData("orders-x")]
    public void Other_directories_do_not_parse(string name) =>
        Assert.False(TopicPartition.TryParseDirectoryName(name, out _));
}
