namespace Samsa.Broker.Groups;

// Session timeouts, and the rebalance timeout a member has to give up revoked partitions.
internal sealed partial class ConsumerGroup
{
    // ---- timers ------------------------------------------------------------------------------------------------

    private void RefreshSession(ConsumerGroupMember member) =>
        member.Session.Start(Time, Options.ConsumerSessionTimeout,
            static state => OnSessionTimer((ConsumerGroupMember)state!), member);

    private static void OnSessionTimer(ConsumerGroupMember member)
    {
        ConsumerGroup group = member.Group;
        lock (group.Lock)
        {
            if (group._dead || !member.Session.IsRunning || !group.IsCurrent(member)) return;
            if (!member.Session.IsDue(group.Time)) return;
            group.Shard.Logger.MemberSessionExpired(group.GroupId, member.MemberId);
            group.RemoveMember(member);
            CoordinatorShard.Appended(group.Flush());
        }
    }

    private void StartRevocation(ConsumerGroupMember member) =>
        member.Revocation.Start(Time, member.RebalanceTimeout,
            static state => OnRevocationTimer((ConsumerGroupMember)state!), member);

    private static void StopRevocation(ConsumerGroupMember member) => member.Revocation.Stop();

    private static void OnRevocationTimer(ConsumerGroupMember member)
    {
        ConsumerGroup group = member.Group;
        lock (group.Lock)
        {
            if (group._dead || !member.Revocation.IsRunning
                || member.State != MemberReconciliation.UnrevokedPartitions || !group.IsCurrent(member)) return;
            if (!member.Revocation.IsDue(group.Time)) return;
            // It kept partitions others wait for past its rebalance timeout: fenced, as Kafka does.
            group.Shard.Logger.MemberRemovedAtRebalance(group.GroupId, member.MemberId);
            group.RemoveMember(member);
            CoordinatorShard.Appended(group.Flush());
        }
    }

    /// <summary>Whether <paramref name="member"/> is still the group's member of that id (not removed or replaced).
    /// </summary>
    private bool IsCurrent(ConsumerGroupMember member) =>
        _members.TryGetValue(member.MemberId, out ConsumerGroupMember? current) && current == member;

    private static void StopTimers(ConsumerGroupMember member)
    {
        member.Session.Stop();
        StopRevocation(member);
    }
}
