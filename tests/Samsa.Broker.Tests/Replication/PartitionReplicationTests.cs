using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Samsa.Broker.Replication;
using Samsa.Metadata.Configs;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Protocol;
using Samsa.Protocol.Records;
using Samsa.Storage;
using AlterPartitionRequest = Samsa.Metadata.Controller.AlterPartitionRequest;

namespace Samsa.Broker.Tests.Replication;

/// <summary>
/// One partition led by broker 1 and followed by broker 2, on a real log and a fake clock, with the controller's
/// AlterPartition answers played by the test: what acks=all waits for, when the high watermark moves, and which ISR
/// changes the leader proposes.
/// </summary>
public sealed class PartitionReplicationTests : IDisposable
{
    private static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new("samsa-partition-");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly LogManager _logs;
    private readonly List<(AlterPartitionRequest Request, TaskCompletionSource<AlterPartitionResult> Answer)>
        _proposals = [];
    private readonly IsrUpdater _updater;

    public PartitionReplicationTests()
    {
        _logs = LogManager.Open(new LogManagerOptions { LogDirs = [_dir.Path], ClusterId = "test", NodeId = 1 },
            null, _time, NullLoggerFactory.Instance);
        _updater = new IsrUpdater(1, (request, _) =>
        {
            var answer = new TaskCompletionSource<AlterPartitionResult>();
            lock (_proposals) _proposals.Add((request, answer));
            return answer.Task;
        }, NullLogger.Instance) { BrokerEpoch = 7 };
    }

    private Partition Lead(int[] isr, int minIsr = 1)
    {
        EffectiveTopicConfig config = EffectiveTopicConfig.Resolve(
            new Dictionary<string, string> { ["min.insync.replicas"] = minIsr.ToString() },
            BrokerConfigValues.Defaults);
        var tp = new TopicPartition("t", 0);
        Assert.Equal(LogStatus.Ok, _logs.GetOrCreateLog(tp, config.Log, out PartitionLog? log));
        return new Partition(1, tp, Guid.NewGuid(), log!, State(isr, config, partitionEpoch: 0), 0, _time, _updater);
    }

    private static PartitionState State(int[] isr, EffectiveTopicConfig config, int partitionEpoch) =>
        new(IsLeader: true, LeaderEpoch: 3, Leader: 1, Replicas: [1, 2], Isr: isr, config, partitionEpoch);

    private static async Task<long> AppendAsync(Partition partition, int records = 1)
    {
        var builder = new RecordBatchBuilder();
        for (int i = 0; i < records; i++) builder.Add(null, [1, 2, 3], 0);
        AppendResult result = await partition.AppendAsLeaderAsync(builder.Build());
        Assert.Equal(AppendStatus.Ok, result.Status);
        return result.LastOffset + 1;
    }

    private async Task<(AlterPartitionRequest Request, TaskCompletionSource<AlterPartitionResult> Answer)>
        NextProposalAsync()
    {
        return await Eventually.ValueAsync(() =>
        {
            lock (_proposals) return _proposals.Count > 0 ? _proposals[^1] : default;
        }, p => p.Answer is not null, TimeSpan.FromSeconds(10), "an AlterPartition proposal");
    }

    [Fact]
    public async Task An_acks_all_write_waits_until_the_follower_fetches_past_it()
    {
        Partition partition = Lead([1, 2]);
        long required = await AppendAsync(partition, records: 3);

        Assert.Null(partition.ReplicationStatus(required, leaderEpoch: 3));
        Assert.Equal(0, partition.HighWatermark);
        partition.OnFollowerFetch(2, fetchOffset: 2);            // has offsets 0 and 1 only
        Assert.Null(partition.ReplicationStatus(required, 3));
        Assert.Equal(2, partition.HighWatermark);
        partition.OnFollowerFetch(2, fetchOffset: required);

        Assert.Equal(ErrorCode.None, partition.ReplicationStatus(required, 3));
        Assert.Equal(required, partition.HighWatermark);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, partition.ReplicationStatus(required, 4));
    }

    [Fact]
    public async Task Below_min_insync_replicas_nothing_becomes_visible_and_acks_all_is_told_so()
    {
        Partition partition = Lead([1, 2], minIsr: 2);
        long first = await AppendAsync(partition);
        partition.OnFollowerFetch(2, first);
        Assert.Equal(first, partition.HighWatermark);

        // The controller takes broker 2 out of the ISR (it was fenced): the leader alone holds what comes next.
        partition.Update(State([1], partition.State.Config, partitionEpoch: 1));
        long second = await AppendAsync(partition);
        Assert.Equal(first, partition.HighWatermark);
        Assert.Equal(ErrorCode.NotEnoughReplicasAfterAppend, partition.ReplicationStatus(second, 3));

        partition.Update(State([1, 2], partition.State.Config, partitionEpoch: 2));
        partition.OnFollowerFetch(2, second);
        Assert.Equal(second, partition.HighWatermark);
        Assert.Equal(ErrorCode.None, partition.ReplicationStatus(second, 3));
    }

    [Fact]
    public async Task A_follower_silent_past_the_lag_time_is_proposed_out_and_the_high_watermark_then_moves()
    {
        Partition partition = Lead([1, 2]);
        partition.OnFollowerFetch(2, await AppendAsync(partition));
        long required = await AppendAsync(partition);
        _time.Advance(TimeSpan.FromSeconds(20));
        partition.MaybeShrinkIsr(MaxLag);
        Assert.Empty(_proposals);

        _time.Advance(TimeSpan.FromSeconds(11));
        partition.MaybeShrinkIsr(MaxLag);
        (AlterPartitionRequest request, TaskCompletionSource<AlterPartitionResult> answer) = await NextProposalAsync();
        Assert.Equal([1], request.NewIsr);
        Assert.Equal((3, 0, 7L), (request.LeaderEpoch, request.PartitionEpoch, request.BrokerEpoch));
        Assert.Null(partition.ReplicationStatus(required, 3));   // broker 2 counts until the controller agrees

        answer.SetResult(new AlterPartitionResult(ControllerStatus.Ok, null,
            new PartitionRegistration(0, [1, 2], [1], 1, 3, 1)));
        Assert.Equal([1], partition.InSyncReplicas);
        Assert.Equal(ErrorCode.None, partition.ReplicationStatus(required, 3));
    }

    [Fact]
    public async Task A_follower_that_catches_up_is_proposed_back_into_the_isr()
    {
        Partition partition = Lead([1]);
        long end = await AppendAsync(partition, records: 5);
        Assert.Equal(end, partition.HighWatermark);
        partition.OnFollowerFetch(2, end - 1);
        Assert.Empty(_proposals);                           // not caught up yet

        partition.OnFollowerFetch(2, end);
        (AlterPartitionRequest request, TaskCompletionSource<AlterPartitionResult> answer) = await NextProposalAsync();
        Assert.Equal([1, 2], request.NewIsr);
        answer.SetResult(new AlterPartitionResult(ControllerStatus.InvalidUpdateVersion, "stale", null));
        Assert.Equal([1], partition.InSyncReplicas);       // refused: the image will tell
    }

    [Theory]
    [InlineData(5, 20, 5, 25, 30, 20)]    // same epoch, the leader's ends first: cut there
    [InlineData(5, 20, 5, 18, 30, 18)]    // same epoch, this log's ends first
    [InlineData(5, 20, 3, 15, 30, 15)]    // this log lacks epoch 5: to the end of the largest below it
    [InlineData(5, 20, -1, -1, 30, 20)]   // this log knows no epoch at or below 5
    [InlineData(5, 40, 5, 45, 30, 30)]    // never past the log end
    public void Truncation_follows_the_leader_epoch_boundaries(int epoch, long endOffset, int myEpoch, long myEnd,
        long logEnd, long expected)
    {
        long to = ReplicaFetcher.TruncationOffset(epoch, endOffset, _ => new OffsetAndEpoch(myEnd, myEpoch), logEnd);
        Assert.Equal(expected, to);
    }

    public void Dispose()
    {
        _updater.Dispose();
        _logs.Dispose();
        _dir.Dispose();
    }
}
