namespace Samsa.Broker.Groups;

// Offset expiry (offsets.retention.minutes). A group that has a protocol keeps its offsets while it has members;
// once it is empty they all expire together, the retention after it became empty. A group that only holds offsets
// (consumers that assign partitions themselves, admin commits) loses each offset the retention after its commit.
// An empty group left without offsets is removed (its metadata tombstoned) after Kafka's cleanup interval.
// One timer per empty group, set to its next expiry; no scan runs.
internal sealed partial class CoordinatorShard
{
    /// <summary>offsets.retention.check.interval.ms's default: how long an empty group without offsets
    /// lingers.</summary>
    private static readonly TimeSpan EmptyGroupLinger = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(30);

    /// <summary>Called by a group that has just become empty.</summary>
    public void OnGroupEmpty(Group group) => ScheduleExpiry(group);

    /// <summary>Arms the group's expiry timer for its next expiry; call under the group's lock.</summary>
    public void ScheduleExpiry(Group group)
    {
        if (!group.IsEmpty || group.IsDead)
        {
            group.StopExpiry();
            return;
        }
        long due = NextExpiryMs(group);
        // A timer cannot wait longer than about 49 days; one due later re-arms when it fires.
        TimeSpan delay = TimeSpan.FromMilliseconds(Math.Clamp(due - NowMs, 0, (long)MaxTimerDelay.TotalMilliseconds));
        if (group.ExpiryTimer is null)
            group.ExpiryTimer = Time.CreateTimer(static state => ((Group)state!).Shard.OnExpiryTimer((Group)state!),
                group, delay, Timeout.InfiniteTimeSpan);
        else
            group.ExpiryTimer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Whether a write that nothing waits for went into the log; a write still becoming durable counts, as it is
    /// already in the log.
    /// </summary>
    public static bool Appended(ValueTask<GroupStatus> append)
    {
        if (append.IsCompletedSuccessfully) return append.Result == GroupStatus.Ok;
        _ = append.AsTask();
        return true;
    }

    private long NextExpiryMs(Group group)
    {
        long retention = (long)Math.Min(Options.OffsetsRetention.TotalMilliseconds, long.MaxValue / 4);
        if (group.Offsets.Count == 0) return Math.Max(group.EmptySinceMs, 0) + (long)EmptyGroupLinger.TotalMilliseconds;
        if (group.ProtocolType.Length > 0) return Math.Max(group.EmptySinceMs, 0) + retention;
        long earliest = long.MaxValue;
        foreach (OffsetAndMetadata offset in group.Offsets.Values)
            earliest = Math.Min(earliest, offset.CommitTimestamp);
        return earliest + retention;
    }

    private void OnExpiryTimer(Group group)
    {
        lock (group.Lock)
        {
            if (group.IsDead || !group.IsEmpty || Status != GroupStatus.Ok) return;
            long now = NowMs;
            if (NextExpiryMs(group) > now)
            {
                ScheduleExpiry(group);
                return;
            }
            long retention = (long)Math.Min(Options.OffsetsRetention.TotalMilliseconds, long.MaxValue / 4);
            bool all = group.ProtocolType.Length > 0;
            var expired = new List<TopicPartition>();
            foreach ((TopicPartition tp, OffsetAndMetadata offset) in group.Offsets)
            {
                if (all || offset.CommitTimestamp + retention <= now) expired.Add(tp);
            }
            var records = new List<(byte[] Key, byte[]? Value)>(expired.Count + 1);
            foreach (TopicPartition tp in expired)
                records.Add((CoordinatorRecordSerde.OffsetCommitKey(group.GroupId, tp.Topic, tp.Partition), null));
            bool removeGroup = expired.Count == group.Offsets.Count;
            if (removeGroup) group.AddDeletionTombstones(records);
            if (!Appended(AppendAsync(records))) return;
            foreach (TopicPartition tp in expired) group.Offsets.Remove(tp);
            Logger.OffsetsExpired(group.GroupId, expired.Count);
            if (removeGroup)
            {
                group.Shutdown(GroupStatus.CoordinatorNotAvailable);
                group.StopExpiry();
                Remove(group);
                return;
            }
            ScheduleExpiry(group);
        }
    }

    /// <summary>
    /// Deletes the committed offsets of deleted topics from every group (tombstones), as Kafka does when partitions
    /// are deleted; a topic created again under the same name starts without them.
    /// </summary>
    public void DeleteOffsetsOfTopics(IReadOnlySet<string> topics)
    {
        if (Status != GroupStatus.Ok) return;
        foreach (Group group in _groups.Values)
        {
            lock (group.Lock)
            {
                if (group.IsDead) continue;
                var records = new List<(byte[] Key, byte[]? Value)>();
                var gone = new List<TopicPartition>();
                foreach (TopicPartition tp in group.Offsets.Keys)
                {
                    if (!topics.Contains(tp.Topic)) continue;
                    records.Add((CoordinatorRecordSerde.OffsetCommitKey(group.GroupId, tp.Topic, tp.Partition), null));
                    gone.Add(tp);
                }
                if (records.Count == 0 || !Appended(AppendAsync(records))) continue;
                foreach (TopicPartition tp in gone) group.Offsets.Remove(tp);
                if (group.IsEmpty) ScheduleExpiry(group);
            }
        }
    }
}
