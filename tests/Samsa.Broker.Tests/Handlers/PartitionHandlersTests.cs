using Samsa.Broker.Handlers;
using Samsa.Broker.Replication;
using Samsa.Metadata.Controller;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;
using Samsa.Storage;

namespace Samsa.Broker.Tests.Handlers;

// DeleteRecords, OffsetForLeaderEpoch and DescribeLogDirs over real partition logs in a temporary directory.
public sealed class PartitionHandlersTests
{
    [Fact]
    public async Task Delete_records_moves_the_log_start_offset_and_answers_the_low_watermark()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders", partitions: 2);
        await f.AppendAsync("orders", 10);
        await f.AppendAsync("orders", 4, partition: 1);

        DeleteRecordsResponse response = await DeleteAsync(f, ("orders", 0, 6), ("orders", 1, -1));

        Assert.Equal([(0, 6L, (short)0), (1, 4L, (short)0)],
            response.Topics.SelectMany(t => t.Partitions).Select(p => (p.PartitionIndex, p.LowWatermark, p.ErrorCode)));
        Assert.Equal(6, f.Partition("orders").Log.LogStartOffset);
        Assert.Equal(4, f.Partition("orders", 1).Log.LogStartOffset);

        DeleteRecordsResponse below = await DeleteAsync(f, ("orders", 0, 2));
        DeleteRecordsResponse.DeleteRecordsPartitionResult unchanged = below.Topics[0].Partitions[0];
        Assert.Equal((6L, (short)0), (unchanged.LowWatermark, unchanged.ErrorCode));
    }

    [Fact]
    public async Task Delete_records_refuses_offsets_beyond_the_high_watermark_and_unknown_partitions()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(otherBrokers: 2);
        await f.CreateTopicAsync("orders");
        await f.CreateTopicAsync("elsewhere", replicas: 2);
        await f.CreateTopicAsync("compacted", configs: [new("cleanup.policy", "compact")]);
        await f.AppendAsync("orders", 3);

        DeleteRecordsResponse response = await DeleteAsync(f,
            ("orders", 0, 4), ("orders", 0, -2), ("orders", 5, 0), ("missing", 0, 0), ("elsewhere", 0, 0),
            ("compacted", 0, 0));

        Assert.Equal(
            [
                ErrorCode.OffsetOutOfRange, ErrorCode.OffsetOutOfRange, ErrorCode.UnknownTopicOrPartition,
                ErrorCode.UnknownTopicOrPartition, ErrorCode.NotLeaderOrFollower, ErrorCode.PolicyViolation,
            ],
            response.Topics.SelectMany(t => t.Partitions).Select(p => (ErrorCode)p.ErrorCode));
        Assert.All(response.Topics.SelectMany(t => t.Partitions), p => Assert.Equal(-1, p.LowWatermark));
        Assert.Equal(0, f.Partition("orders").Log.LogStartOffset);
    }

    [Fact]
    public async Task Offset_for_leader_epoch_answers_where_each_epoch_ends()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders");
        await f.AppendAsync("orders", 3);
        Partition partition = f.Partition("orders");
        int epoch = partition.State.LeaderEpoch;
        // Two more batches written under a later epoch, as after a leader change.
        for (int i = 0; i < 2; i++)
        {
            byte[] batch = new RecordBatchBuilder().Add(null, [1], 1_700_000_000_000).Build();
            Assert.Equal(AppendStatus.Ok, (await partition.Log.AppendAsync(batch, epoch + 3)).Status);
        }

        OffsetForLeaderEpochResponse response = await EpochsAsync(f, 4, -1, -1,
            ("orders", 0, epoch), ("orders", 0, epoch + 1), ("orders", 0, epoch + 3), ("orders", 0, epoch + 10),
            ("missing", 0, 0));

        Assert.Equal(
            [
                (ErrorCode.None, epoch, 3L), (ErrorCode.None, epoch, 3L), (ErrorCode.None, epoch + 3, 5L),
                (ErrorCode.None, -1, -1L), (ErrorCode.UnknownTopicOrPartition, -1, -1L),
            ],
            response.Topics.SelectMany(t => t.Partitions)
                .Select(p => ((ErrorCode)p.ErrorCode, p.LeaderEpoch, p.EndOffset)));
    }

    [Fact]
    public async Task Offset_for_leader_epoch_fences_stale_and_unknown_current_epochs()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(otherBrokers: 2);
        await f.CreateTopicAsync("orders");
        await f.CreateTopicAsync("elsewhere", replicas: 2);
        int before = f.Partition("orders").State.LeaderEpoch;
        await f.HeartbeatAsync(HandlerFixture.NodeId, wantFence: true);
        await f.HeartbeatAsync(HandlerFixture.NodeId);
        int now = f.Partition("orders").State.LeaderEpoch;
        Assert.True(f.Partition("orders").State.IsLeader);
        Assert.True(now > before);

        OffsetForLeaderEpochResponse stale = await EpochsAsync(f, 3, 2, before, ("orders", 0, now));
        OffsetForLeaderEpochResponse future = await EpochsAsync(f, 3, 2, now + 1, ("orders", 0, now));
        OffsetForLeaderEpochResponse current = await EpochsAsync(f, 3, 2, now, ("orders", 0, now));
        OffsetForLeaderEpochResponse notHere = await EpochsAsync(f, 3, -1, -1, ("elsewhere", 0, 0));

        Assert.Equal((short)ErrorCode.FencedLeaderEpoch, stale.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownLeaderEpoch, future.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((short)ErrorCode.None, current.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((short)ErrorCode.NotLeaderOrFollower, notHere.Topics[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task Describe_log_dirs_lists_partitions_with_sizes_and_the_volume()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders", partitions: 2);
        await f.CreateTopicAsync("other");
        await f.AppendAsync("orders", 5);
        var handler = new DescribeLogDirsHandler(f.Logs, f.Replicas);

        DescribeLogDirsResponse all = await HandlerFixture.SendAsync<DescribeLogDirsRequest, DescribeLogDirsResponse>(
            handler, new DescribeLogDirsRequest { Topics = null }, 4);
        DescribeLogDirsResponse some = await HandlerFixture.SendAsync<DescribeLogDirsRequest, DescribeLogDirsResponse>(
            handler, new DescribeLogDirsRequest { Topics = [new() { Topic = "orders", Partitions = [1, 7] }] }, 1);

        DescribeLogDirsResponse.DescribeLogDirsResult dir = Assert.Single(all.Results);
        Assert.Equal((0, Path.GetFullPath(f.Directory)), (dir.ErrorCode, dir.LogDir));
        Assert.Equal(["orders", "other"], dir.Topics.Select(t => t.Name));
        DescribeLogDirsResponse.DescribeLogDirsPartition p0 = dir.Topics[0].Partitions[0];
        Assert.Equal((0, f.Partition("orders").Log.Size, 0L, false),
            (p0.PartitionIndex, p0.PartitionSize, p0.OffsetLag, p0.IsFutureKey));
        Assert.True(p0.PartitionSize > 0);
        Assert.True(dir.TotalBytes > 0 && dir.UsableBytes >= 0 && dir.UsableBytes <= dir.TotalBytes);

        DescribeLogDirsResponse.DescribeLogDirsTopic only = Assert.Single(Assert.Single(some.Results).Topics);
        Assert.Equal(("orders", 1), (only.Name, Assert.Single(only.Partitions).PartitionIndex));
    }

    private static Task<DeleteRecordsResponse> DeleteAsync(HandlerFixture f,
        params (string Topic, int Partition, long Offset)[] partitions) =>
        HandlerFixture.SendAsync<DeleteRecordsRequest, DeleteRecordsResponse>(
            new DeleteRecordsHandler(f.Replicas, f.Loader),
            new DeleteRecordsRequest
            {
                Topics =
                [
                    .. partitions.Select(p => new DeleteRecordsRequest.DeleteRecordsTopic
                    {
                        Name = p.Topic,
                        Partitions = [new() { PartitionIndex = p.Partition, Offset = p.Offset }],
                    }),
                ],
                TimeoutMs = 30_000,
            }, 2);

    private static Task<OffsetForLeaderEpochResponse> EpochsAsync(HandlerFixture f, short version, int replicaId,
        int currentEpoch, params (string Topic, int Partition, int Epoch)[] asked) =>
        HandlerFixture.SendAsync<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(
            new OffsetForLeaderEpochHandler(f.Replicas, f.Loader),
            new OffsetForLeaderEpochRequest
            {
                ReplicaId = replicaId,
                Topics =
                [
                    .. asked.Select(a => new OffsetForLeaderEpochRequest.OffsetForLeaderTopic
                    {
                        Topic = a.Topic,
                        Partitions =
                        [
                            new() { Partition = a.Partition, LeaderEpoch = a.Epoch, CurrentLeaderEpoch = currentEpoch },
                        ],
                    }),
                ],
            }, version);
}
