using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Maintenance;
using Samsa.Broker.Replication;
using Samsa.Broker.Tests.Handlers;
using Samsa.Protocol.Records;
using Samsa.Storage;
using BatchRecord = Samsa.Protocol.Records.Record;

namespace Samsa.Broker.Tests.Maintenance;

// The broker's background jobs on its logs run on timers of the broker's clock: retention deletes segments that aged
// out, and the log cleaner compacts topics whose cleanup.policy includes compact, up to the high watermark.
public sealed class LogMaintenanceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Retention_runs_every_check_interval_and_deletes_segments_that_aged_out()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("aging", configs: [new("retention.ms", "60000"), new("segment.ms", "1000")]);
        Partition partition = f.Partition("aging");
        await f.AppendAsync("aging", 1);
        f.Time.Advance(TimeSpan.FromSeconds(2));
        await f.AppendAsync("aging", 1);
        var options = f.Options with { LogRetentionCheckInterval = TimeSpan.FromMinutes(5), LogCleaner = null };
        await using var maintenance =
            new LogMaintenance(f.Logs, f.Replicas, options, f.Time, NullLoggerFactory.Instance);

        f.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, partition.Log.LogStartOffset);
        f.Time.Advance(TimeSpan.FromMinutes(1));

        // The records carry 2023 timestamps, long past retention.ms: the rolled segment goes, the active one stays.
        await Eventually.TrueAsync(() => partition.Log.LogStartOffset == 1, Deadline,
            "the retention check to delete the rolled segment");
        Assert.Equal(2, partition.Log.LogEndOffset);
    }

    [Fact]
    public async Task The_log_cleaner_compacts_a_compacted_topic_in_the_background()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("profiles", configs: [new("cleanup.policy", "compact"), new("segment.ms", "1000")]);
        Partition partition = f.Partition("profiles");
        await AppendAsync(partition, "user-1", "v1");
        await AppendAsync(partition, "user-2", "v1");
        await AppendAsync(partition, "user-1", "v2");
        f.Time.Advance(TimeSpan.FromSeconds(2));
        await AppendAsync(partition, "user-3", "v1"); // rolls: the first three records become cleanable
        Assert.Equal(4, Keys(partition).Count);

        var options = f.Options with { LogCleaner = new LogCleanerOptions() };
        await using var maintenance =
            new LogMaintenance(f.Logs, f.Replicas, options, f.Time, NullLoggerFactory.Instance);

        await Eventually.TrueAsync(() => Keys(partition).Count == 3, Deadline, "the cleaner to compact user-1");
        Assert.Equal(["user-2:v1", "user-1:v2", "user-3:v1"], Keys(partition));
        Assert.Equal(4, partition.Log.LogEndOffset);
    }

    private static async Task AppendAsync(Partition partition, string key, string value)
    {
        byte[] batch = new RecordBatchBuilder()
            .Add(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(value), 1_700_000_000_000)
            .Build();
        Assert.Equal(AppendStatus.Ok, (await partition.AppendAsLeaderAsync(batch)).Status);
    }

    private static List<string> Keys(Partition partition)
    {
        // A read returns batches of one segment; read on from the next offset until the log end.
        var result = new List<string>();
        long next = partition.Log.LogStartOffset;
        while (next < partition.Log.LogEndOffset)
        {
            using LogReadResult read = partition.Log.Read(next, 1 << 20);
            var batches = new RecordBatchReader(read.ToArray());
            while (batches.MoveNext())
            {
                using RecordBatchContent content = RecordBatch.ReadRecords(batches.Current, 1 << 20);
                foreach (BatchRecord record in content)
                {
                    result.Add(System.Text.Encoding.UTF8.GetString(record.Key) + ":"
                        + System.Text.Encoding.UTF8.GetString(record.Value));
                }
                next = RecordBatchHeader.Read(batches.Current).NextOffset;
            }
        }
        return result;
    }
}
