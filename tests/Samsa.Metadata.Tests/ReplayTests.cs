using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Log;
using Samsa.Metadata.Records;

namespace Samsa.Metadata.Tests;

// The image a node builds while the controller writes must be the image any node rebuilds from the log.
public sealed class ReplayTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private LocalMetadataLog OpenLog() =>
        LocalMetadataLog.Open(_dir.Path, 1000, TimeProvider.System, NullLogger.Instance);

    private static byte[] Serialize(MetadataImage image) =>
        [.. image.ToRecords().SelectMany(MetadataRecordSerde.Serialize)];

    private async Task<MetadataImage> ReplayAsync()
    {
        await using LocalMetadataLog log = OpenLog();
        var loader = new MetadataLoader();
        using IDisposable _ = log.Subscribe(loader);
        await loader.WaitForOffsetAsync(log.CommittedOffset, Ct);
        return loader.Current;
    }

    [Fact]
    public async Task Replay_of_the_log_equals_the_image_built_live()
    {
        MetadataImage live;
        await using (var f = new ControllerFixture(log: OpenLog()))
        {
            await f.Controller.BootstrapAsync("q1w2e3r4t5y6u7i8o9p0aa", Ct);
            await f.StartBrokersAsync(1, 2, 3);
            await f.Controller.CreateTopicsAsync(
            [
                new NewTopic("cv_parsing", 6, 2),
                new NewTopic("logs", 3, 3, Configs: [new("retention.ms", "86400000")]),
                new NewTopic("emails", 1, 1),
            ], false, Ct);
            AlterConfigOp append = new("cleanup.policy", "compact", AlterConfigOpType.Append);
            await f.Controller.IncrementalAlterConfigsAsync(
                [new AlterConfigsResource(ConfigResource.ForTopic("cv_parsing"), [append])], false, Ct);
            await f.Controller.CreatePartitionsAsync([new NewPartitions("emails", 4)], false, Ct);
            await f.HeartbeatAsync(2, wantFence: true);
            PartitionRegistration p = f.Partition("logs", 0);
            await f.Controller.AlterPartitionAsync(new AlterPartitionRequest(p.Leader, f.BrokerEpochs[p.Leader],
                f.Image.Topics.ByName["logs"].TopicId, 0, p.LeaderEpoch, p.PartitionEpoch, [p.Leader]), Ct);
            await f.Controller.DeleteTopicsAsync([TopicToDelete.ByName("emails")], Ct);
            await f.Controller.AllocateProducerIdsAsync(1, f.BrokerEpochs[1], Ct);
            await f.Controller.UnregisterBrokerAsync(3, Ct);
            f.Time.Advance(TimeSpan.FromMinutes(1));
            await f.Controller.FenceExpiredBrokersAsync(Ct);
            live = f.Image;
        }

        MetadataImage replayed = await ReplayAsync();

        Assert.Equal(live.Offset, replayed.Offset);
        Assert.Equal(live.Epoch, replayed.Epoch);
        Assert.Equal(Serialize(live), Serialize(replayed));
        Assert.Equal(2, replayed.Topics.Count);
        Assert.False(replayed.Brokers.IsUnfenced(1));
    }

    [Theory, InlineData(1), InlineData(2), InlineData(3), InlineData(4)]
    public async Task Random_operations_keep_the_invariants_and_replay_to_the_same_image(int seed)
    {
        var random = new Random(seed);
        MetadataImage live;
        await using (var f = new ControllerFixture(seed: seed, log: OpenLog()))
        {
            await f.StartBrokersAsync(1, 2, 3, 4);
            for (int step = 0; step < 80; step++)
            {
                await RandomOperationAsync(f, random, step);
                CheckInvariants(f.Image, seed, step);
            }
            live = f.Image;
        }

        MetadataImage replayed = await ReplayAsync();

        Assert.True(Serialize(live).AsSpan().SequenceEqual(Serialize(replayed)), $"seed {seed}: replay differs");
    }

    private static async Task RandomOperationAsync(ControllerFixture f, Random random, int step)
    {
        TopicImage[] topics = [.. f.Image.Topics.All.OrderBy(t => t.Name, StringComparer.Ordinal)];
        int broker = random.Next(1, 5);
        switch (random.Next(7))
        {
            case 0 or 1:
                await f.Controller.CreateTopicsAsync(
                    [new NewTopic($"t{step}", random.Next(1, 5), (short)random.Next(1, 4))], false, Ct);
                break;
            case 2 when topics.Length > 0:
                Guid doomed = topics[random.Next(topics.Length)].TopicId;
                await f.Controller.DeleteTopicsAsync([TopicToDelete.ById(doomed)], Ct);
                break;
            case 3 when topics.Length > 0:
                TopicImage grow = topics[random.Next(topics.Length)];
                await f.Controller.CreatePartitionsAsync(
                    [new NewPartitions(grow.Name, grow.PartitionCount + 1)], false, Ct);
                break;
            case 4:
                await f.HeartbeatAsync(broker, wantFence: random.Next(2) == 0);
                break;
            case 5 when topics.Length > 0:
                TopicImage topic = topics[random.Next(topics.Length)];
                PartitionRegistration p = topic.Partitions[random.Next(topic.PartitionCount)];
                if (!p.HasLeader) break;
                ImmutableArray<int> isr = [p.Leader, .. p.Replicas.Where(r => r != p.Leader && random.Next(2) == 0)];
                await f.Controller.AlterPartitionAsync(new AlterPartitionRequest(p.Leader, f.BrokerEpochs[p.Leader],
                    topic.TopicId, p.Partition, p.LeaderEpoch, p.PartitionEpoch, isr), Ct);
                break;
            case 6 when topics.Length > 0:
                var resource = ConfigResource.ForTopic(topics[random.Next(topics.Length)].Name);
                string retention = random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await f.Controller.IncrementalAlterConfigsAsync(
                    [new AlterConfigsResource(resource, [new("retention.ms", retention)])], false, Ct);
                break;
        }
    }

    private static void CheckInvariants(MetadataImage image, int seed, int step)
    {
        foreach (TopicImage topic in image.Topics.All)
        {
            foreach (PartitionRegistration p in topic.Partitions)
            {
                string where = $"seed {seed}, step {step}, {topic.Name}-{p.Partition}: {p}";
                Assert.True(p.Isr.Length > 0, where);
                Assert.True(p.Isr.All(p.IsReplica), where);
                Assert.True(p.Leader == PartitionRegistration.NoLeader || p.IsInIsr(p.Leader), where);
                Assert.True(p.Leader == PartitionRegistration.NoLeader || image.Brokers.IsUnfenced(p.Leader), where);
                Assert.True(p.Isr.Length == 1 || p.Isr.All(image.Brokers.IsUnfenced), where);
            }
        }
    }

    public void Dispose() => _dir.Dispose();
}
