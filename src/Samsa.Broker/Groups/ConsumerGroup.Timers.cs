namespace Samsa.Broker.Groups;

// Session timeouts, and the rebalance timeout a member has to give up revoked partitions.
internal sealed partial class ConsumerGroup
{
    // ---- timers ------------------------------------------------------------------------------------------------

    private void RefreshSession(ConsumerGroupMember member)
    {
        TimeSpan timeout = Options.ConsumerSessionTimeout;
        member.SessionDeadline = Time.GetUtcNow() + timeout;
        if (member.SessionTimer is null)
        {
            member.SessionTimer = Time.CreateTimer(static state => OnSessionTimer((ConsumerGroupMember)state!), member,
                timeout, Timeout.InfiniteTimeSpan);
        }
        else
        {
            member.SessionTimer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
    }

    private static void OnSessionTimer(ConsumerGroupMember member)
    {
        ConsumerGroup group = member.Group;
        lock (group.Lock)
        {
            if (group._dead || member.SessionTimer is null) return;
            if (!group._members.TryGetValue(member.MemberId, out ConsumerGroupMember? current) || current != member)
                return;
            TimeSpan left = member.SessionDeadline - group.Time.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                member.SessionTimer.Change(left, Timeout.InfiniteTimeSpan);
                return;
            }
            group.Shard.Logger.MemberSessionExpired(group.GroupId, member.MemberId);
            group.RemoveMember(member);
            CoordinatorShard.Appended(group.Flush());
        }
    }

    private void StartRevocation(ConsumerGroupMember member)
    {
        member.RevocationDeadline = Time.GetUtcNow() + member.RebalanceTimeout;
        member.RevocationTimer ??= Time.CreateTimer(static state => OnRevocationTimer((ConsumerGroupMember)state!),
            member, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        member.RevocationTimer.Change(member.RebalanceTimeout, Timeout.InfiniteTimeSpan);
    }

    private static void StopRevocation(ConsumerGroupMember member)
    {
        member.RevocationTimer?.Dispose();
        member.RevocationTimer = null;
    }

    private static void OnRevocationTimer(ConsumerGroupMember member)
    {
        ConsumerGroup group = member.Group;
        lock (group.Lock)
        {
            if (group._dead || member.RevocationTimer is null
                || member.State != MemberReconciliation.UnrevokedPartitions) return;
            if (!group._members.TryGetValue(member.MemberId, out ConsumerGroupMember? current) || current != member)
                return;
            TimeSpan left = member.RevocationDeadline - group.Time.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                member.RevocationTimer.Change(left, Timeout.InfiniteTimeSpan);
                return;
            }
            // It kept partitions others wait for past its rebalance timeout: fenced, as Kafka does.
            group.Shard.Logger.MemberRemovedAtRebalance(group.GroupId, member.MemberId);
            group.RemoveMember(member);
            CoordinatorShard.Appended(group.Flush());
        }
    }

    private static void StopTimers(ConsumerGroupMember member)
    {
        member.SessionTimer?.Dispose();
        member.SessionTimer = null;
        StopRevocation(member);
    }
}
