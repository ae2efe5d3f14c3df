using Confluent.Kafka;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests.Groups;

/// <summary>
/// The same group scenarios as <see cref="ClassicGroupTests"/> with group.protocol=consumer (KIP-848:
/// ConsumerGroupHeartbeat, assignment by the coordinator).
/// </summary>
public sealed class ConsumerProtocolTests
{
    internal static Task<SamsaCluster> StartAsync() => SamsaCluster.StartAsync(props =>
    {
        props["group.initial.rebalance.delay.ms"] = "0";
        props["offsets.topic.num.partitions"] = "5";
        props["group.consumer.session.timeout.ms"] = "4000";
        props["group.consumer.heartbeat.interval.ms"] = "300";
    });

    [Fact]
    public async Task Two_consumers_split_six_partitions_and_the_survivor_owns_all_after_the_other_closes()
    {
        await using SamsaCluster cluster = await StartAsync();
        await ClassicGroupTests.SplitThenOneLeavesAsync(cluster, "consumer", vanish: false);
    }

    [Fact]
    public async Task A_member_that_vanishes_loses_its_partitions_after_its_session_timeout_and_only_uncommitted_messages_come_again()
    {
        await using SamsaCluster cluster = await StartAsync();
        await ClassicGroupTests.SplitThenOneLeavesAsync(cluster, "consumer", vanish: true);
    }
}
