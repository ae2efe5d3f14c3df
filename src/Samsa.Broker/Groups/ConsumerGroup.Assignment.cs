using System.Text.RegularExpressions;

namespace Samsa.Broker.Groups;

// The target assignment, each member's way to it, and what members subscribe to.
internal sealed partial class ConsumerGroup
{
    // ---- target assignment and reconciliation ----------------------------------------------------------------

    private void ComputeTarget(MetadataImage image, long fingerprint)
    {
        var subscriptions = new SortedDictionary<string, List<(Guid TopicId, int Partitions)>>(StringComparer.Ordinal);
        string assignor = ServerAssignor.Uniform;
        foreach (ConsumerGroupMember member in _members.Values)
        {
            subscriptions[member.MemberId] = Resolve(member, image);
            if (member.ServerAssignor is { } chosen) assignor = chosen;
        }
        AssignorName = assignor;
        Dictionary<string, HashSet<TopicIdPartition>> previous = _target;
        _target = ServerAssignor.Assign(assignor, subscriptions, _target);
        foreach ((string memberId, HashSet<TopicIdPartition> target) in _target)
        {
            if (!previous.TryGetValue(memberId, out HashSet<TopicIdPartition>? was) || !was.SetEquals(target))
                _records.Add(ConsumerGroupRecords.Target(GroupId, memberId, target));
        }
        AssignmentEpoch = GroupEpoch;
        _records.Add(ConsumerGroupRecords.TargetEpoch(GroupId, AssignmentEpoch));
        _subscriptionFingerprint = fingerprint;
    }

    private void Reconcile(ConsumerGroupMember member, HashSet<TopicIdPartition>? owned)
    {
        if (member.State == MemberReconciliation.UnrevokedPartitions)
        {
            if (owned is null || owned.Overlaps(member.Revoking)) return;
            member.Revoking.Clear();
            StopRevocation(member);
            member.State = MemberReconciliation.Stable;
        }
        HashSet<TopicIdPartition> target = _target.GetValueOrDefault(member.MemberId) ?? [];
        if (member.MemberEpoch == AssignmentEpoch && member.State == MemberReconciliation.Stable) return;

        var keep = new HashSet<TopicIdPartition>(member.Assigned);
        keep.IntersectWith(target);
        if (keep.Count < member.Assigned.Count)
        {
            // Give up what moves elsewhere first; the epoch stays until the member confirms.
            var revoke = new HashSet<TopicIdPartition>(member.Assigned);
            revoke.ExceptWith(target);
            member.Assigned = keep;
            member.Revoking = revoke;
            member.State = MemberReconciliation.UnrevokedPartitions;
            member.AssignmentSent = false;
            StartRevocation(member);
            return;
        }
        bool complete = true;
        foreach (TopicIdPartition tp in target)
        {
            if (keep.Contains(tp)) continue;
            if (OwnedByOther(member, tp))
            {
                complete = false;
                continue;
            }
            keep.Add(tp);
        }
        if (!keep.SetEquals(member.Assigned)) member.AssignmentSent = false;
        member.Assigned = keep;
        member.State = complete ? MemberReconciliation.Stable : MemberReconciliation.UnreleasedPartitions;
        if (member.MemberEpoch != AssignmentEpoch)
        {
            member.PreviousMemberEpoch = member.MemberEpoch;
            member.MemberEpoch = AssignmentEpoch;
        }
    }

    private bool OwnedByOther(ConsumerGroupMember member, TopicIdPartition tp)
    {
        foreach (ConsumerGroupMember other in _members.Values)
        {
            if (other != member && (other.Assigned.Contains(tp) || other.Revoking.Contains(tp))) return true;
        }
        return false;
    }

    // ---- subscriptions -----------------------------------------------------------------------------------------

    private static List<(Guid TopicId, int Partitions)> Resolve(ConsumerGroupMember member, MetadataImage image)
    {
        var topics = new List<(Guid, int)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in member.SubscribedTopicNames)
        {
            if (seen.Add(name) && image.Topics.TryGetTopic(name, out TopicImage? topic))
                topics.Add((topic.TopicId, topic.PartitionCount));
        }
        if (member.SubscribedTopicRegex is { } pattern && TryRegex(pattern, out Regex? regex))
        {
            foreach (TopicImage topic in image.Topics.All)
            {
                if (topic.Name.StartsWith("__", StringComparison.Ordinal) || !seen.Add(topic.Name)) continue;
                if (regex!.IsMatch(topic.Name)) topics.Add((topic.TopicId, topic.PartitionCount));
            }
        }
        return topics;
    }

    private static bool TryRegex(string pattern, out Regex? regex)
    {
        try
        {
            regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            regex = null;
            return false;
        }
    }

    /// <summary>
    /// Changes when a subscribed topic appears, disappears or gains partitions; not when members come and go with the
    /// same topics (that moves the epoch on its own).
    /// </summary>
    private long SubscriptionFingerprint(MetadataImage image)
    {
        var topics = new Dictionary<Guid, int>();
        foreach (ConsumerGroupMember member in _members.Values)
        {
            foreach ((Guid topicId, int partitions) in Resolve(member, image)) topics[topicId] = partitions;
        }
        long hash = 17;
        foreach ((Guid topicId, int partitions) in topics)
            hash = unchecked(hash + (topicId.GetHashCode() * 31L) + partitions);
        return hash;
    }

    private static bool SameTopics(List<string> current, List<string> requested)
    {
        if (current.Count != requested.Count) return false;
        var set = new HashSet<string>(current, StringComparer.Ordinal);
        foreach (string name in requested)
        {
            if (!set.Contains(name)) return false;
        }
        return true;
    }

    private static HashSet<TopicIdPartition> ToSet(List<ConsumerGroupHeartbeatRequest.TopicPartitionsData> topics)
    {
        var set = new HashSet<TopicIdPartition>();
        foreach (ConsumerGroupHeartbeatRequest.TopicPartitionsData topic in topics)
        {
            foreach (int partition in topic.Partitions) set.Add(new TopicIdPartition(topic.TopicId, partition));
        }
        return set;
    }

    /// <summary>Partitions grouped by topic, in topic id and partition order.</summary>
    public static SortedDictionary<Guid, List<int>> ByTopic(IEnumerable<TopicIdPartition> partitions)
    {
        var byTopic = new SortedDictionary<Guid, List<int>>();
        foreach (TopicIdPartition tp in partitions)
        {
            if (!byTopic.TryGetValue(tp.TopicId, out List<int>? list)) byTopic[tp.TopicId] = list = [];
            list.Add(tp.Partition);
        }
        foreach (List<int> list in byTopic.Values) list.Sort();
        return byTopic;
    }

    private static string NewMemberId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
