using Microsoft.Extensions.Time.Testing;
using Samsa.Broker.Replication;

namespace Samsa.Broker.Tests.Replication;

/// <summary>
/// The leader's ISR and high-watermark rules on a fake clock: broker 1 leads, brokers 2 and 3 follow,
/// replica.lag.time.max.ms is 30 s.
/// </summary>
public sealed class LeaderReplicasTests
{
    private static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    private LeaderReplicas Lead(int[] isr, long epochStart = 0, long highWatermark = 0) =>
        new(1, [1, 2, 3], isr, epochStart, highWatermark, _time);

    [Fact]
    public void The_high_watermark_is_the_least_log_end_over_the_isr_and_waits_for_followers_it_has_not_heard_from()
    {
        LeaderReplicas leader = Lead([1, 2, 3]);

        Assert.False(leader.MaybeAdvanceHighWatermark([1, 2, 3], leaderLogEnd: 10, minInsyncReplicas: 1));
        leader.OnFollowerFetch(2, fetchOffset: 10, leaderLogEnd: 10);
        Assert.False(leader.MaybeAdvanceHighWatermark([1, 2, 3], 10, 1));   // 3 has not fetched yet
        leader.OnFollowerFetch(3, fetchOffset: 6, leaderLogEnd: 10);

        Assert.True(leader.MaybeAdvanceHighWatermark([1, 2, 3], 10, 1));
        Assert.Equal(6, leader.HighWatermark);
        Assert.True(leader.MaybeAdvanceHighWatermark([1, 2], 10, 1));      // 3 left the ISR
        Assert.Equal(10, leader.HighWatermark);
        leader.OnFollowerFetch(2, fetchOffset: 4, leaderLogEnd: 12);       // a follower that truncated
        Assert.False(leader.MaybeAdvanceHighWatermark([1, 2], 12, 1));
        Assert.Equal(10, leader.HighWatermark);                             // it never goes back
    }

    [Fact]
    public void Below_min_insync_replicas_the_high_watermark_stays_where_it_is()
    {
        LeaderReplicas leader = Lead([1, 2], highWatermark: 5);
        leader.OnFollowerFetch(2, 5, 5);

        // The ISR shrank to the leader alone; its new records are not visible until a second member has them.
        Assert.False(leader.MaybeAdvanceHighWatermark([1], leaderLogEnd: 9, minInsyncReplicas: 2));
        Assert.Equal(5, leader.HighWatermark);
        Assert.True(leader.MaybeAdvanceHighWatermark([1], leaderLogEnd: 9, minInsyncReplicas: 1));
        Assert.Equal(9, leader.HighWatermark);
    }

    [Fact]
    public void A_follower_that_stops_fetching_falls_out_of_sync_after_the_max_lag()
    {
        LeaderReplicas leader = Lead([1, 2, 3]);
        leader.OnFollowerFetch(2, 10, 10);
        leader.OnFollowerFetch(3, 10, 10);

        _time.Advance(TimeSpan.FromSeconds(20));
        leader.OnFollowerFetch(2, 12, 12);
        Assert.Empty(leader.OutOfSync([1, 2, 3], leaderLogEnd: 15, MaxLag));

        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal([3], leader.OutOfSync([1, 2, 3], leaderLogEnd: 15, MaxLag));
        // A follower holding everything the leader has is in sync however long ago it fetched.
        Assert.Empty(leader.OutOfSync([1, 2, 3], leaderLogEnd: 10, MaxLag));
    }

    [Fact]
    public void A_follower_that_keeps_reaching_the_end_the_leader_had_at_its_last_fetch_stays_in_sync()
    {
        LeaderReplicas leader = Lead([1, 2]);
        long end = 0;
        for (int i = 0; i < 10; i++)
        {
            // Each fetch reaches what the leader had at the previous one, while the leader keeps growing.
            long fetchOffset = end;
            end += 100;
            leader.OnFollowerFetch(2, fetchOffset, end);
            _time.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.Empty(leader.OutOfSync([1, 2], end, MaxLag));

        // One that falls further behind at every fetch is caught up at no fetch, and drops out after the lag.
        LeaderReplicas slow = Lead([1, 2]);
        for (int i = 1; i <= 4; i++)
        {
            slow.OnFollowerFetch(2, fetchOffset: i * 10, leaderLogEnd: i * 100);
            _time.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.Equal([2], slow.OutOfSync([1, 2], 400, MaxLag));
    }

    [Fact]
    public void A_new_leader_gives_its_isr_a_fresh_grace_period_and_none_to_the_others()
    {
        LeaderReplicas leader = Lead([1, 2], epochStart: 50);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(leader.OutOfSync([1, 2], leaderLogEnd: 60, MaxLag));
        Assert.Empty(leader.CaughtUpOutsideIsr([1, 2]));   // 3 has shown nothing yet
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([2], leader.OutOfSync([1, 2], leaderLogEnd: 60, MaxLag));
    }

    [Fact]
    public void A_replica_joins_the_isr_once_it_reaches_the_high_watermark_and_the_leader_epoch_start()
    {
        LeaderReplicas leader = Lead([1, 2], epochStart: 20, highWatermark: 10);
        leader.OnFollowerFetch(2, 30, 30);
        Assert.True(leader.MaybeAdvanceHighWatermark([1, 2], 30, 1));

        leader.OnFollowerFetch(3, 25, 30);
        Assert.Empty(leader.CaughtUpOutsideIsr([1, 2]));        // below the high watermark (30)
        leader.OnFollowerFetch(3, 30, 32);
        Assert.Equal([3], leader.CaughtUpOutsideIsr([1, 2]));
        Assert.Empty(leader.CaughtUpOutsideIsr([1, 2, 3]));
    }

    [Fact]
    public void A_fetch_from_a_broker_that_holds_no_replica_is_not_a_follower_fetch()
    {
        LeaderReplicas leader = Lead([1, 2, 3]);

        Assert.False(leader.OnFollowerFetch(7, 10, 10));
        Assert.False(leader.OnFollowerFetch(1, 10, 10));
        Assert.Null(leader.Follower(7));
        Assert.Equal(-1, leader.Follower(2)!.LogEndOffset);
    }
}
