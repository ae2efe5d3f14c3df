using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

public sealed class LogManagerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ListLogger _logger = new();

    private LogManager Open(params string[] dirs) => Open("cluster-a", 1, dirs);

    private LogManager Open(string clusterId, int nodeId, params string[] dirs) =>
        LogManager.Open(new LogManagerOptions { LogDirs = dirs, ClusterId = clusterId, NodeId = nodeId },
            optionsForTopic: null, _time, new ListLoggerFactory(_logger));

    [Fact]
    public async Task Creates_logs_in_the_least_loaded_directory_and_reopens_them_all()
    {
        using var root = new TempDirectory();
        string[] dirs = [root.Combine("a"), root.Combine("b")];
        using (LogManager manager = Open(dirs))
        {
            for (int p = 0; p < 6; p++)
            {
                Assert.Equal(LogStatus.Ok, manager.GetOrCreateLog(new TopicPartition("orders", p), LogOptions.Default,
                    out PartitionLog? log));
                await log!.AppendAsync(Batches.Create(p + 1, 0), 0);
            }
            Assert.Equal(3, Directory.GetDirectories(dirs[0]).Length);
            Assert.Equal(3, Directory.GetDirectories(dirs[1]).Length);
        }

        using LogManager reopened = Open(dirs);

        Assert.Equal(6, reopened.Logs.Count);
        Assert.True(reopened.TryGetLog(new TopicPartition("orders", 4), out PartitionLog? found));
        Assert.Equal(5, found.LogEndOffset);
        Assert.All(reopened.LogDirectories, d => Assert.True(d.HadCleanShutdown));
        IReadOnlyList<LogDirectoryDescription> described = reopened.DescribeLogDirs();
        Assert.Equal(6, described.Sum(d => d.Partitions.Count));
        Assert.Equal(reopened.Logs.Sum(l => l.Size), described.Sum(d => d.TotalBytes));
        Assert.True(_logger.Has(LogLevel.Information, 2005));
    }

    [Fact]
    public void Writes_meta_properties_and_refuses_a_directory_of_another_cluster_naming_both_ids()
    {
        using var root = new TempDirectory();
        string dir = root.Combine("data");
        Guid directoryId;
        using (LogManager first = Open("cluster-a", 1, dir)) directoryId = first.LogDirectories[0].Id;
        MetaProperties written = MetaProperties.Read(dir)!;
        Assert.Equal(("cluster-a", 1, directoryId), (written.ClusterId, written.NodeId, written.DirectoryId));
        Assert.NotEqual(Guid.Empty, directoryId);
        using (LogManager again = Open("cluster-a", 1, dir)) Assert.Equal(directoryId, again.LogDirectories[0].Id);

        var error = Assert.Throws<LogDirectoryException>(() => Open("cluster-b", 1, dir));

        Assert.Contains("cluster-a", error.Message);
        Assert.Contains("cluster-b", error.Message);
        Assert.Contains(dir, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        var node = Assert.Throws<LogDirectoryException>(() => Open("cluster-a", 2, dir));
        Assert.Contains("node.id=2", node.Message);
    }

    [Fact]
    public void Meta_properties_is_kafkas_properties_text()
    {
        using var root = new TempDirectory();
        new MetaProperties("MkU3OEVBNTcwNTJENDM2Qk", 3).Write(root.Path);

        string[] lines = File.ReadAllLines(Path.Combine(root.Path, "meta.properties"));

        Assert.Contains("cluster.id=MkU3OEVBNTcwNTJENDM2Qk", lines);
        Assert.Contains("node.id=3", lines);
        Assert.Contains("version=1", lines);
    }

    [Fact]
    public void Meta_properties_keeps_the_directory_id_as_kafka_writes_it()
    {
        using var root = new TempDirectory();
        File.WriteAllText(Path.Combine(root.Path, "meta.properties"),
            "version=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qk\nnode.id=3\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAQ\n");

        MetaProperties read = MetaProperties.Read(root.Path)!;
        Assert.Equal(new Guid([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], bigEndian: true), read.DirectoryId);
        read.Write(root.Path);

        Assert.Contains("directory.id=AAAAAAAAAAAAAAAAAAAAAQ",
            File.ReadAllLines(Path.Combine(root.Path, "meta.properties")));
        using LogManager opened = Open("MkU3OEVBNTcwNTJENDM2Qk", 3, root.Path);
        Assert.Equal(read.DirectoryId, opened.LogDirectories[0].Id);
    }

    [Fact]
    public void A_directory_that_cannot_be_opened_goes_offline_while_the_others_serve()
    {
        using var root = new TempDirectory();
        string good = root.Combine("good");
        string bad = root.Combine("bad");
        File.WriteAllText(bad, "a file where a directory should be");

        using LogManager manager = Open(good, bad);

        Assert.True(manager.LogDirectories[1].IsOffline);
        Assert.False(manager.LogDirectories[0].IsOffline);
        Assert.Equal(LogStatus.Ok, manager.GetOrCreateLog(new TopicPartition("t", 0), LogOptions.Default,
            out PartitionLog? log));
        Assert.StartsWith(good, log!.Path, StringComparison.Ordinal);
        Assert.True(_logger.Has(LogLevel.Error, 2004));
    }

    [Fact]
    public void All_directories_offline_stops_start_up()
    {
        using var root = new TempDirectory();
        string bad = root.Combine("bad");
        File.WriteAllText(bad, "not a directory");

        Assert.Throws<LogDirectoryException>(() => Open(bad));
    }

    [Fact]
    public async Task Delete_log_removes_its_directory_and_checkpoint_entries()
    {
        using var root = new TempDirectory();
        string dir = root.Combine("data");
        using (LogManager manager = Open(dir))
        {
            manager.GetOrCreateLog(new TopicPartition("gone", 0), LogOptions.Default, out PartitionLog? log);
            await log!.AppendAsync(Batches.Create(1, 0), 0);
            manager.GetOrCreateLog(new TopicPartition("kept", 0), LogOptions.Default, out _);

            Assert.True(manager.DeleteLog(new TopicPartition("gone", 0)));
            Assert.False(manager.DeleteLog(new TopicPartition("gone", 0)));
            Assert.False(Directory.Exists(Path.Combine(dir, "gone-0")));
        }

        Assert.DoesNotContain("gone", File.ReadAllText(Path.Combine(dir, "recovery-point-offset-checkpoint")));
        using LogManager reopened = Open(dir);
        Assert.Single(reopened.Logs);
    }

    [Fact]
    public async Task Opens_many_partitions_after_a_crash_and_recovers_each()
    {
        using var root = new TempDirectory();
        string[] dirs = [root.Combine("a"), root.Combine("b")];
        LogManager manager = Open(dirs);
        for (int p = 0; p < 40; p++)
        {
            manager.GetOrCreateLog(new TopicPartition("many", p), LogOptions.Default, out PartitionLog? log);
            await log!.AppendAsync(Batches.Create(2, 0), 0);
        }
        foreach (PartitionLog log in manager.Logs)
            log.Abandon();

        using LogManager reopened = Open(dirs);

        Assert.Equal(40, reopened.Logs.Count);
        Assert.All(reopened.Logs, l => Assert.Equal(2, l.LogEndOffset));
        Assert.All(reopened.LogDirectories, d => Assert.False(d.HadCleanShutdown));
    }

    [Fact]
    public async Task Retention_and_flush_run_over_every_log()
    {
        using var root = new TempDirectory();
        using LogManager manager = Open(root.Combine("data"));
        LogOptions options = LogOptions.Default with { SegmentBytes = 300, RetentionBytes = 0 };
        for (int p = 0; p < 3; p++)
        {
            manager.GetOrCreateLog(new TopicPartition("r", p), options, out PartitionLog? log);
            for (int i = 0; i < 3; i++)
                await log!.AppendAsync(Batches.Create(2, 0, valueBytes: 50), 0);
        }

        manager.FlushAndCheckpoint();
        Assert.Equal(6, manager.DeleteOldSegments());

        Assert.All(manager.Logs, l => Assert.Equal(1, l.SegmentCount));
        Assert.Contains("r 1 4",
            File.ReadAllText(Path.Combine(root.Combine("data"), "recovery-point-offset-checkpoint")));
    }

    [Fact]
    public void Partition_discovery_skips_the_metadata_log_directory()
    {
        using var root = new TempDirectory();
        string dir = root.Combine("data");
        Open(dir).Dispose();
        string metadata = Path.Combine(dir, "__cluster_metadata-0");
        Directory.CreateDirectory(metadata);
        File.WriteAllBytes(Path.Combine(metadata, "metadata.journal"), [1, 2, 3]);

        using LogManager manager = Open(dir);

        Assert.Empty(manager.Logs);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(metadata, "metadata.journal")));
        Assert.Single(Directory.GetFiles(metadata));
    }

    [Fact]
    public void A_directory_going_offline_is_announced_once_to_the_broker()
    {
        using var root = new TempDirectory();
        string[] dirs = [root.Combine("a"), root.Combine("b")];
        using LogManager manager = Open(dirs);
        var announced = new List<LogDirectoryOfflineEventArgs>();
        manager.LogDirectoryOffline += (_, args) => announced.Add(args);
        manager.LogDirectories[1].WentOffline += (_, _) => throw new InvalidOperationException("a buggy handler");

        manager.LogDirectories[1].MarkOffline("appending to orders-0", new IOException("Input/output error"));
        manager.LogDirectories[1].MarkOffline("appending to orders-1", new IOException("Input/output error"));

        LogDirectoryOfflineEventArgs only = Assert.Single(announced);
        Assert.Same(manager.LogDirectories[1], only.Directory);
        Assert.Equal("appending to orders-0", only.Operation);
        Assert.True(_logger.Has(LogLevel.Error, 2017));
        Assert.False(manager.LogDirectories[0].IsOffline);
    }
}
