using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Metadata.Tests.Controller;

public sealed class BrokerLifecycleTests
{
    private static readonly TimeSpan SessionTimeout = new MetadataControllerOptions().BrokerSessionTimeout;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registered_broker_is_fenced_until_it_has_caught_up()
    {
        await using var f = new ControllerFixture();

        BrokerRegistrationResult registered = await f.RegisterAsync(1, rack: "r1");
        Assert.Equal(ControllerStatus.Ok, registered.Status);
        Assert.True(f.Image.Brokers.TryGetBroker(1, out BrokerRegistration? broker));
        Assert.True(broker.IsFenced);
        Assert.Equal("r1", broker.Rack);
        Assert.Equal(registered.BrokerEpoch, broker.BrokerEpoch);

        BrokerHeartbeatResult behind = await f.Controller.HeartbeatAsync(
            new BrokerHeartbeatRequest(1, registered.BrokerEpoch, CurrentMetadataOffset: -1), Ct);
        Assert.Equal((ControllerStatus.Ok, false, true), (behind.Status, behind.IsCaughtUp, behind.IsFenced));

        BrokerHeartbeatResult caughtUp = await f.Controller.HeartbeatAsync(
            new BrokerHeartbeatRequest(1, registered.BrokerEpoch, f.Log.CommittedOffset), Ct);
        Assert.Equal((ControllerStatus.Ok, true, false), (caughtUp.Status, caughtUp.IsCaughtUp, caughtUp.IsFenced));
        Assert.True(f.Image.Brokers.IsUnfenced(1));
    }

    [Fact]
    public async Task Heartbeat_from_an_unknown_broker_or_a_stale_epoch_is_refused()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);

        BrokerHeartbeatResult unknown = await f.Controller.HeartbeatAsync(new BrokerHeartbeatRequest(9, 0, 0), Ct);
        BrokerHeartbeatResult stale = await f.Controller.HeartbeatAsync(
            new BrokerHeartbeatRequest(1, f.BrokerEpochs[1] - 1, f.Log.CommittedOffset), Ct);

        Assert.Equal(ControllerStatus.BrokerIdNotRegistered, unknown.Status);
        Assert.Equal(ControllerStatus.StaleBrokerEpoch, stale.Status);
    }

    [Fact]
    public async Task Another_incarnation_with_a_live_session_is_a_duplicate_until_the_session_lapses()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        long oldEpoch = f.BrokerEpochs[1];

        BrokerRegistrationResult duplicate = await f.RegisterAsync(1);
        Assert.Equal(ControllerStatus.DuplicateBrokerRegistration, duplicate.Status);

        f.Time.Advance(SessionTimeout + TimeSpan.FromSeconds(1));
        BrokerRegistrationResult restarted = await f.RegisterAsync(1);
        Assert.Equal(ControllerStatus.Ok, restarted.Status);
        Assert.True(restarted.BrokerEpoch > oldEpoch);
        Assert.True(f.Image.Brokers.TryGetBroker(1, out BrokerRegistration? broker) && broker.IsFenced);
    }

    [Fact]
    public async Task Retried_registration_of_the_same_incarnation_keeps_its_epoch()
    {
        await using var f = new ControllerFixture();
        var incarnation = Guid.NewGuid();
        BrokerRegistrationResult first = await f.RegisterAsync(1, incarnation);
        long offset = f.Log.CommittedOffset;

        BrokerRegistrationResult retry = await f.RegisterAsync(1, incarnation);

        Assert.Equal(first, retry);
        Assert.Equal(offset, f.Log.CommittedOffset);
    }

    [Fact]
    public async Task Broker_epochs_only_grow_even_after_unregistering()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        long first = f.BrokerEpochs[1];
        Assert.True((await f.Controller.UnregisterBrokerAsync(1, Ct)).IsOk);
        Assert.False(f.Image.Brokers.TryGetBroker(1, out _));

        BrokerRegistrationResult again = await f.RegisterAsync(1);

        Assert.True(again.BrokerEpoch > first);
        Assert.Equal(ControllerStatus.BrokerIdNotRegistered, (await f.Controller.UnregisterBrokerAsync(7, Ct)).Status);
    }

    [Fact]
    public async Task Registration_with_another_cluster_id_is_refused()
    {
        await using var f = new ControllerFixture();
        Assert.True((await f.Controller.BootstrapAsync("cluster-a", Ct)).IsOk);
        Assert.True((await f.Controller.BootstrapAsync("cluster-a", Ct)).IsOk);
        ControllerResult other = await f.Controller.BootstrapAsync("cluster-b", Ct);
        Assert.Equal(ControllerStatus.InconsistentClusterId, other.Status);
        Assert.Equal("cluster-a", f.Image.ClusterId);

        BrokerRegistrationResult result = await f.Controller.RegisterBrokerAsync(
            ControllerFixture.Registration(1) with { ClusterId = "cluster-b" }, Ct);

        Assert.Equal(ControllerStatus.InconsistentClusterId, result.Status);
        Assert.Equal("Expected cluster ID cluster-a, but got cluster ID cluster-b.", result.Message);
    }

    [Fact]
    public async Task Registration_without_listeners_or_with_duplicate_ones_is_refused()
    {
        await using var f = new ControllerFixture();
        var endpoint = new BrokerEndpoint("PLAINTEXT", "h", 9092, 0);

        BrokerRegistrationResult none = await f.Controller.RegisterBrokerAsync(
            ControllerFixture.Registration(1) with { Endpoints = [] }, Ct);
        BrokerRegistrationResult twice = await f.Controller.RegisterBrokerAsync(
            ControllerFixture.Registration(1) with { Endpoints = [endpoint, endpoint] }, Ct);

        Assert.Equal(ControllerStatus.InvalidRequest, none.Status);
        Assert.Equal(ControllerStatus.InvalidRequest, twice.Status);
        Assert.Equal(0, f.Image.Brokers.Count);
    }

    [Fact]
    public async Task Broker_whose_session_lapses_is_fenced_and_its_leadership_moves()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        await f.CreateAssignedAsync("logs", 1, 2);

        f.Time.Advance(SessionTimeout / 2);
        await f.HeartbeatAsync(2);
        Assert.Equal(0, await f.Controller.FenceExpiredBrokersAsync(Ct));
        f.Time.Advance(SessionTimeout / 2 + TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await f.Controller.FenceExpiredBrokersAsync(Ct));

        Assert.True(f.Image.Brokers.TryGetBroker(1, out BrokerRegistration? b1) && b1.IsFenced);
        Assert.True(f.Image.Brokers.IsUnfenced(2));
        PartitionRegistration p = f.Partition("logs", 0);
        Assert.Equal(2, p.Leader);
        Assert.Equal([2], p.Isr);
        Assert.Equal(1, p.LeaderEpoch);
        Assert.Equal(1, p.PartitionEpoch);
    }

    [Fact]
    public async Task Last_in_sync_replica_stays_in_the_isr_and_leads_again_when_it_returns()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        await f.CreateAssignedAsync("logs", 1, 2);
        await f.HeartbeatAsync(2, wantFence: true);
        Assert.Equal([1], f.Partition("logs", 0).Isr);

        await f.HeartbeatAsync(1, wantFence: true);
        PartitionRegistration leaderless = f.Partition("logs", 0);
        Assert.Equal(PartitionRegistration.NoLeader, leaderless.Leader);
        Assert.Equal([1], leaderless.Isr);

        await f.HeartbeatAsync(2);  // unfenced, but not in sync: no unclean election
        Assert.Equal(PartitionRegistration.NoLeader, f.Partition("logs", 0).Leader);

        await f.HeartbeatAsync(1);
        PartitionRegistration back = f.Partition("logs", 0);
        Assert.Equal(1, back.Leader);
        Assert.Equal(2, back.LeaderEpoch);
    }

    [Fact]
    public async Task Unclean_election_when_enabled_hands_leadership_to_an_out_of_sync_replica()
    {
        await using var f = new ControllerFixture(new MetadataControllerOptions { UncleanLeaderElectionEnable = true });
        await f.StartBrokersAsync(1, 2);
        await f.CreateAssignedAsync("logs", 1, 2);
        await f.HeartbeatAsync(2, wantFence: true);
        await f.HeartbeatAsync(2);
        Assert.Equal([1], f.Partition("logs", 0).Isr);

        await f.HeartbeatAsync(1, wantFence: true);

        PartitionRegistration p = f.Partition("logs", 0);
        Assert.Equal(2, p.Leader);
        Assert.Equal([2], p.Isr);
    }

    [Fact]
    public async Task Controlled_shutdown_fences_and_allows_the_shutdown()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        await f.CreateTopicAsync("logs", partitions: 4, replicationFactor: 2);

        BrokerHeartbeatResult result = await f.HeartbeatAsync(1, wantShutDown: true);

        Assert.True(result.IsFenced);
        Assert.True(result.ShouldShutDown);
        Assert.All(f.Image.Topics.ByName["logs"].Partitions, p => Assert.Equal(2, p.Leader));
    }

    [Fact]
    public async Task Restarted_broker_gives_up_leadership_until_it_is_unfenced_again()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        await f.CreateTopicAsync("logs");
        f.Time.Advance(SessionTimeout + TimeSpan.FromSeconds(1)); // the old process died without a word

        BrokerRegistrationResult restarted = await f.RegisterAsync(1);

        Assert.Equal(ControllerStatus.Ok, restarted.Status);
        Assert.Equal(PartitionRegistration.NoLeader, f.Partition("logs", 0).Leader);
        f.BrokerEpochs[1] = restarted.BrokerEpoch;
        await f.HeartbeatAsync(1);
        Assert.Equal(1, f.Partition("logs", 0).Leader);
    }

    [Fact]
    public async Task Session_timer_fences_silent_brokers()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        f.Controller.Start();

        f.Time.Advance(SessionTimeout + SessionTimeout / 4);

        await Eventually.TrueAsync(() => !f.Image.Brokers.IsUnfenced(1), TimeSpan.FromSeconds(10),
            "the silent broker 1 to be fenced");
    }

    [Fact]
    public async Task Unregistered_broker_leaves_its_partitions()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        await f.CreateAssignedAsync("logs", 2, 1);

        Assert.True((await f.Controller.UnregisterBrokerAsync(2, Ct)).IsOk);

        PartitionRegistration p = f.Partition("logs", 0);
        Assert.Equal(1, p.Leader);
        Assert.Equal([1], p.Isr);
        Assert.Equal([2, 1], p.Replicas);
    }
}
