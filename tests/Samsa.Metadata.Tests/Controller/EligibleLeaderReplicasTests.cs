using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Metadata.Tests.Controller;

// KIP-966 in the controller: the ISR may empty, replicas that leave it below min.insync.replicas become eligible
// leader replicas, and a broker back from an unclean shutdown is not elected over one of them.
public sealed class EligibleLeaderReplicasTests
{
    private static readonly TimeSpan SessionTimeout = new MetadataControllerOptions().BrokerSessionTimeout;

    private static readonly MetadataControllerOptions MinIsr2 = new() { MinInsyncReplicas = 2 };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // RF 2, ISR [1, 2], leader 1; then broker 2 is cut off and broker 1 fails.
    private static async Task<ControllerFixture> BothFencedAsync(MetadataControllerOptions options,
        bool leaderShutsDownCleanly = false)
    {
        var f = new ControllerFixture(options);
        await f.StartBrokersAsync(1, 2);
        await f.CreateAssignedAsync("logs", 1, 2);
        await f.HeartbeatAsync(2, wantFence: true);
        await f.HeartbeatAsync(1, wantFence: !leaderShutsDownCleanly, wantShutDown: leaderShutsDownCleanly);
        return f;
    }

    // Broker 1 comes back as a new incarnation, after a clean shutdown (its last broker epoch) or not (-1).
    private static async Task RestartAsync(ControllerFixture f, int brokerId, bool clean)
    {
        if (!clean) f.Time.Advance(SessionTimeout + TimeSpan.FromSeconds(1)); // the old process died without a word
        BrokerRegistrationRequest request = ControllerFixture.Registration(brokerId) with
        {
            PreviousBrokerEpoch = clean ? f.BrokerEpochs[brokerId] : -1,
        };
        BrokerRegistrationResult registered = await f.Controller.RegisterBrokerAsync(request, Ct);
        Assert.Equal(ControllerStatus.Ok, registered.Status);
        f.BrokerEpochs[brokerId] = registered.BrokerEpoch;
    }

    [Fact]
    public async Task Replica_back_from_an_unclean_shutdown_is_not_elected_over_an_eligible_leader_replica()
    {
        await using ControllerFixture f = new(MinIsr2);
        await f.StartBrokersAsync(1, 2);
        await f.CreateAssignedAsync("logs", 1, 2);

        await f.HeartbeatAsync(2, wantFence: true); // cut off: the ISR drops below min ISR, 2 holds every ack'd record
        PartitionRegistration p = f.Partition("logs", 0);
        Assert.Equal([1], p.Isr);
        Assert.Equal([2], p.Elr);
        Assert.Equal(1, p.Leader);

        await f.HeartbeatAsync(1, wantFence: true); // the leader crashes: the ISR empties
        p = f.Partition("logs", 0);
        Assert.Equal(PartitionRegistration.NoLeader, p.Leader);
        Assert.Empty(p.Isr);
        Assert.Equal([1, 2], p.Elr);
        Assert.Equal([1], p.LastKnownElr);

        await RestartAsync(f, 1, clean: false); // it may have lost its unflushed tail
        p = f.Partition("logs", 0);
        Assert.Equal([2], p.Elr);
        Assert.Equal([1], p.LastKnownElr);
        await f.HeartbeatAsync(1);
        Assert.True(f.Image.Brokers.IsUnfenced(1));
        Assert.Equal(PartitionRegistration.NoLeader, f.Partition("logs", 0).Leader);

        await f.HeartbeatAsync(2);
        p = f.Partition("logs", 0);
        Assert.Equal(2, p.Leader);
        Assert.Equal([2], p.Isr);
        Assert.Empty(p.Elr);
        Assert.Empty(p.LastKnownElr);
        Assert.Equal(2, p.LeaderEpoch);
    }

    [Fact]
    public async Task Replica_back_from_a_clean_shutdown_is_elected_from_the_eligible_leader_replicas()
    {
        await using ControllerFixture f = await BothFencedAsync(MinIsr2, leaderShutsDownCleanly: true);
        Assert.Equal([1, 2], f.Partition("logs", 0).Elr);

        await RestartAsync(f, 1, clean: true);
        Assert.Equal([1, 2], f.Partition("logs", 0).Elr);
        await f.HeartbeatAsync(1);

        PartitionRegistration p = f.Partition("logs", 0);
        Assert.Equal(1, p.Leader);
        Assert.Equal([1], p.Isr);
        Assert.Equal([2], p.Elr); // still below min ISR: 2 stays eligible
        Assert.Empty(p.LastKnownElr);
    }

    [Fact]
    public async Task With_min_isr_1_the_last_in_sync_replica_stays_and_leads_again_whatever_its_shutdown()
    {
        await using ControllerFixture f = await BothFencedAsync(new MetadataControllerOptions());
        PartitionRegistration p = f.Partition("logs", 0);
        Assert.Equal([1], p.Isr);
        Assert.Empty(p.Elr);
        Assert.Empty(p.LastKnownElr);

        await RestartAsync(f, 1, clean: false);
        await f.HeartbeatAsync(2); // unfenced, but not in sync: no unclean election
        Assert.Equal(PartitionRegistration.NoLeader, f.Partition("logs", 0).Leader);
        await f.HeartbeatAsync(1);

        p = f.Partition("logs", 0);
        Assert.Equal(1, p.Leader);
        Assert.Equal([1], p.Isr);
        Assert.Empty(p.Elr);
    }

    [Fact]
    public async Task Fenced_eligible_leader_replica_stays_eligible_until_the_isr_is_back_at_min_isr()
    {
        await using ControllerFixture f = new(MinIsr2);
        await f.StartBrokersAsync(1, 2);
        await f.CreateAssignedAsync("logs", 1, 2);
        await f.HeartbeatAsync(2, wantFence: true);
        await f.HeartbeatAsync(2);
        Assert.Equal([2], f.Partition("logs", 0).Elr); // unfenced, but not back in the ISR

        await RestartAsync(f, 2, clean: false);
        Assert.Empty(f.Partition("logs", 0).Elr);
        Assert.Equal([1], f.Partition("logs", 0).Isr);
    }

    [Fact]
    public async Task Last_known_leader_leads_once_no_eligible_leader_replica_is_left()
    {
        await using ControllerFixture f = await BothFencedAsync(MinIsr2);
        await RestartAsync(f, 2, clean: false);
        await f.HeartbeatAsync(2);
        Assert.Equal(PartitionRegistration.NoLeader, f.Partition("logs", 0).Leader); // 1 may still return intact

        await RestartAsync(f, 1, clean: false);
        Assert.Empty(f.Partition("logs", 0).Elr);
        await f.HeartbeatAsync(1);

        PartitionRegistration p = f.Partition("logs", 0);
        Assert.Equal(1, p.Leader);
        Assert.Equal([1], p.Isr);
        Assert.Empty(p.LastKnownElr);
    }

    [Fact]
    public async Task Unclean_election_clears_the_eligible_leader_replicas()
    {
        await using ControllerFixture f = await BothFencedAsync(MinIsr2 with { UncleanLeaderElectionEnable = true });
        await RestartAsync(f, 1, clean: false);
        await RestartAsync(f, 2, clean: false);
        Assert.Empty(f.Partition("logs", 0).Elr);
        Assert.Equal([1], f.Partition("logs", 0).LastKnownElr);

        await f.HeartbeatAsync(2); // not the last known leader, but unclean election lets any replica lead

        PartitionRegistration p = f.Partition("logs", 0);
        Assert.Equal(2, p.Leader);
        Assert.Equal([2], p.Isr);
        Assert.Empty(p.Elr);
        Assert.Empty(p.LastKnownElr);
    }

    [Fact]
    public async Task Topic_config_sets_the_min_isr_and_changing_it_ends_the_elr_it_no_longer_needs()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2, 3);
        IReadOnlyList<CreateTopicResult> created = await f.Controller.CreateTopicsAsync(
            [new NewTopic("logs", -1, -1, [new ReplicaAssignment(0, [1, 2, 3])], [new("min.insync.replicas", "3")])],
            validateOnly: false, Ct);
        Assert.Equal(ControllerStatus.Ok, created[0].Status);
        await f.HeartbeatAsync(3, wantFence: true);
        Assert.Equal([3], f.Partition("logs", 0).Elr);

        IReadOnlyList<AlterConfigsResult> altered = await f.Controller.IncrementalAlterConfigsAsync(
            [new AlterConfigsResource(ConfigResource.ForTopic("logs"), [new("min.insync.replicas", "2")])],
            validateOnly: false, Ct);

        Assert.Equal(ControllerStatus.Ok, Assert.Single(altered).Status);
        PartitionRegistration p = f.Partition("logs", 0);
        Assert.Empty(p.Elr); // the high watermark now moves with [1, 2]: 3 falls behind
        Assert.Equal([1, 2], p.Isr);
    }

    [Fact]
    public async Task Min_isr_is_capped_at_the_replication_factor()
    {
        await using ControllerFixture f = new(MinIsr2);
        await f.StartBrokersAsync(1);
        await f.CreateAssignedAsync("logs", 1);

        await f.HeartbeatAsync(1, wantFence: true);

        PartitionRegistration p = f.Partition("logs", 0); // a min ISR of 1: no ELR, the last member stays
        Assert.Equal([1], p.Isr);
        Assert.Empty(p.Elr);
    }
}
