namespace Samsa.Broker.Replication;

// Kafka's leader-side rules for one partition (its Partition and Replica classes), kept apart from the log and the
// network so they run on a fake clock in tests. A follower's progress is the offset it fetches from: its log end. It
// counts as caught up at the time of a fetch that reached the leader's log end as it was then, or at the time of its
// previous fetch when this one reached the leader's log end as it was at that previous fetch (it had everything the
// leader had then). An ISR member not caught up within replica.lag.time.max.ms is out of sync; a replica outside the
// ISR whose log end has reached both the high watermark and the start of the leader's epoch may join it (KIP-101,
// KIP-207). The high watermark is the least log end over the ISR, the leader's included; it only rises, and only while
// the ISR holds at least min.insync.replicas members (KIP-966: below it nothing new becomes visible, so a write that
// only the leader holds is never read and then lost). A new leader gives its ISR followers a fresh grace period and
// knows none of their log ends until they fetch.
/// <summary>The leader's view of a partition's followers: their progress, the ISR changes it calls for, and the
/// high watermark.</summary>
/// <remarks>Not thread-safe: the partition serializes calls (follower fetches and appends hold its lock).</remarks>
internal sealed class LeaderReplicas
{
    private readonly Dictionary<int, FollowerProgress> _followers = [];
    private readonly TimeProvider _time;

    /// <param name="leaderId">This broker.</param>
    /// <param name="replicas">Every replica of the partition, the leader included.</param>
    /// <param name="isr">The in-sync replicas as the leadership began.</param>
    /// <param name="leaderEpochStartOffset">The leader's log end when it took this epoch: the first offset it may
    /// have written that no former leader wrote.</param>
    /// <param name="highWatermark">The high watermark it starts from (checkpointed, or as a follower knew it).</param>
    /// <param name="time">The clock.</param>
    public LeaderReplicas(int leaderId, IEnumerable<int> replicas, IReadOnlyCollection<int> isr,
        long leaderEpochStartOffset, long highWatermark, TimeProvider time)
    {
        _time = time;
        LeaderId = leaderId;
        LeaderEpochStartOffset = leaderEpochStartOffset;
        HighWatermark = highWatermark;
        long now = time.GetTimestamp();
        foreach (int replica in replicas)
        {
            if (replica == leaderId) continue;
            _followers[replica] = new FollowerProgress(lastCaughtUp: isr.Contains(replica) ? now : long.MinValue,
                leaderLogEndAtLastFetch: leaderEpochStartOffset);
        }
    }

    public int LeaderId { get; }

    /// <summary>The leader's log end when its epoch began.</summary>
    public long LeaderEpochStartOffset { get; }

    /// <summary>Offsets below it are on every ISR member and visible to consumers.</summary>
    public long HighWatermark { get; private set; }

    /// <summary>A follower's progress; null for a broker that is not a follower of this partition.</summary>
    public FollowerProgress? Follower(int replicaId) => _followers.GetValueOrDefault(replicaId);

    /// <summary>Takes a changed replica set (a replica added or removed without a new leader epoch): a new follower
    /// starts out of sync with no known log end.</summary>
    public void UpdateReplicas(IEnumerable<int> replicas)
    {
        var now = new HashSet<int>(replicas);
        now.Remove(LeaderId);
        foreach (int gone in _followers.Keys.Where(r => !now.Contains(r)).ToList()) _followers.Remove(gone);
        foreach (int added in now)
        {
            _followers.TryAdd(added, new FollowerProgress(lastCaughtUp: long.MinValue,
                leaderLogEndAtLastFetch: LeaderEpochStartOffset));
        }
    }

    /// <summary>Records a fetch by <paramref name="replicaId"/> from <paramref name="fetchOffset"/> while the
    /// leader's log ends at <paramref name="leaderLogEnd"/>, with the follower's log start when it sent one;
    /// false for a broker that is not a follower.</summary>
    public bool OnFollowerFetch(int replicaId, long fetchOffset, long leaderLogEnd, long followerLogStart = -1)
    {
        if (!_followers.TryGetValue(replicaId, out FollowerProgress? follower)) return false;
        if (followerLogStart >= 0) follower.LogStartOffset = followerLogStart;
        long now = _time.GetTimestamp();
        if (fetchOffset >= leaderLogEnd) follower.LastCaughtUp = now;
        else if (fetchOffset >= follower.LeaderLogEndAtLastFetch && follower.LastFetch != long.MinValue)
            follower.LastCaughtUp = Math.Max(follower.LastCaughtUp, follower.LastFetch);
        follower.LeaderLogEndAtLastFetch = leaderLogEnd;
        follower.LastFetch = now;
        follower.LogEndOffset = fetchOffset;
        return true;
    }

    /// <summary>The ISR members (not the leader) that have not caught up within <paramref name="maxLag"/>.</summary>
    public List<int> OutOfSync(IReadOnlyCollection<int> isr, long leaderLogEnd, TimeSpan maxLag)
    {
        var lagging = new List<int>();
        foreach (int replica in isr)
        {
            if (replica == LeaderId || !_followers.TryGetValue(replica, out FollowerProgress? follower)) continue;
            bool caughtUp = follower.LogEndOffset == leaderLogEnd
                || (follower.LastCaughtUp != long.MinValue && _time.GetElapsedTime(follower.LastCaughtUp) <= maxLag);
            if (!caughtUp) lagging.Add(replica);
        }
        return lagging;
    }

    /// <summary>The replicas outside the ISR whose log end has reached the high watermark and the start of the
    /// leader's epoch: they may join it.</summary>
    public List<int> CaughtUpOutsideIsr(IReadOnlyCollection<int> isr)
    {
        var ready = new List<int>();
        foreach ((int replica, FollowerProgress follower) in _followers)
        {
            if (isr.Contains(replica)) continue;
            if (follower.LogEndOffset >= HighWatermark && follower.LogEndOffset >= LeaderEpochStartOffset)
                ready.Add(replica);
        }
        ready.Sort();
        return ready;
    }

    /// <summary>The least log start over <paramref name="isr"/> (the leader's is <paramref name="leaderLogStart"/>):
    /// records below it are gone from every in-sync replica (DeleteRecords' low watermark).</summary>
    public long LowWatermark(IReadOnlyCollection<int> isr, long leaderLogStart)
    {
        long least = leaderLogStart;
        foreach (int replica in isr)
        {
            if (replica == LeaderId) continue;
            long start = _followers.TryGetValue(replica, out FollowerProgress? follower) ? follower.LogStartOffset : -1;
            least = Math.Min(least, start);
        }
        return least;
    }

    /// <summary>
    /// Raises the high watermark to the least log end over <paramref name="isr"/> (the leader's is
    /// <paramref name="leaderLogEnd"/>), when the ISR holds at least <paramref name="minInsyncReplicas"/> members;
    /// true when it rose.
    /// </summary>
    public bool MaybeAdvanceHighWatermark(IReadOnlyCollection<int> isr, long leaderLogEnd, int minInsyncReplicas)
    {
        if (isr.Count < minInsyncReplicas) return false;
        long least = leaderLogEnd;
        foreach (int replica in isr)
        {
            if (replica == LeaderId) continue;
            long end = _followers.TryGetValue(replica, out FollowerProgress? follower) ? follower.LogEndOffset : -1;
            least = Math.Min(least, end);
        }
        if (least <= HighWatermark) return false;
        HighWatermark = least;
        return true;
    }
}

/// <summary>What the leader knows of one follower; timestamps are the leader's clock's.</summary>
internal sealed class FollowerProgress(long lastCaughtUp, long leaderLogEndAtLastFetch)
{
    /// <summary>The offset it last fetched from; -1 until it fetches under this leader.</summary>
    public long LogEndOffset { get; set; } = -1;

    /// <summary>The log start offset its last fetch reported; -1 until it reports one.</summary>
    public long LogStartOffset { get; set; } = -1;

    /// <summary>When it last had everything the leader had; <see cref="long.MinValue"/> for never.</summary>
    public long LastCaughtUp { get; set; } = lastCaughtUp;

    /// <summary>When it last fetched; <see cref="long.MinValue"/> for never.</summary>
    public long LastFetch { get; set; } = long.MinValue;

    /// <summary>The leader's log end at its last fetch.</summary>
    public long LeaderLogEndAtLastFetch { get; set; } = leaderLogEndAtLastFetch;
}
