namespace Samsa.Broker.Groups;

/// <summary>
/// The server-side assignors of consumer groups (KIP-848): <c>uniform</c> (the default: spreads partitions evenly
/// and keeps each where it is when it can) and <c>range</c> (per topic, contiguous ranges to members in member id
/// order, so members get the same partition numbers of co-partitioned topics).
/// </summary>
internal static class ServerAssignor
{
    public const string Uniform = "uniform";
    public const string Range = "range";

    public static bool IsKnown(string name) => name is Uniform or Range;

    /// <param name="assignor"><see cref="Uniform"/> or <see cref="Range"/>.</param>
    /// <param name="subscriptions">Each member's subscribed topics, resolved to (topic id, partition count).</param>
    /// <param name="current">Each member's current target, for stickiness.</param>
    public static Dictionary<string, HashSet<TopicIdPartition>> Assign(string assignor,
        SortedDictionary<string, List<(Guid TopicId, int Partitions)>> subscriptions,
        IReadOnlyDictionary<string, HashSet<TopicIdPartition>> current) =>
        assignor == Range ? AssignRange(subscriptions) : AssignUniform(subscriptions, current);

    private static Dictionary<string, HashSet<TopicIdPartition>> AssignRange(
        SortedDictionary<string, List<(Guid TopicId, int Partitions)>> subscriptions)
    {
        var result = new Dictionary<string, HashSet<TopicIdPartition>>(StringComparer.Ordinal);
        foreach (string member in subscriptions.Keys) result[member] = [];
        var byTopic = new SortedDictionary<Guid, (int Partitions, List<string> Members)>();
        foreach ((string member, List<(Guid TopicId, int Partitions)> topics) in subscriptions)
        {
            foreach ((Guid topicId, int partitions) in topics)
            {
                if (!byTopic.TryGetValue(topicId, out var entry)) byTopic[topicId] = entry = (partitions, []);
                entry.Members.Add(member);
            }
        }
        foreach ((Guid topicId, (int partitions, List<string> members)) in byTopic)
        {
            members.Sort(StringComparer.Ordinal);
            int each = partitions / members.Count;
            int extra = partitions % members.Count;
            int next = 0;
            for (int i = 0; i < members.Count; i++)
            {
                int count = each + (i < extra ? 1 : 0);
                for (int p = 0; p < count; p++) result[members[i]].Add(new TopicIdPartition(topicId, next++));
            }
        }
        return result;
    }

    private static Dictionary<string, HashSet<TopicIdPartition>> AssignUniform(
        SortedDictionary<string, List<(Guid TopicId, int Partitions)>> subscriptions,
        IReadOnlyDictionary<string, HashSet<TopicIdPartition>> current)
    {
        var result = new Dictionary<string, HashSet<TopicIdPartition>>(StringComparer.Ordinal);
        var subscribers = new Dictionary<Guid, List<string>>();
        var partitionCounts = new Dictionary<Guid, int>();
        foreach ((string member, List<(Guid TopicId, int Partitions)> topics) in subscriptions)
        {
            result[member] = [];
            foreach ((Guid topicId, int partitions) in topics)
            {
                if (!subscribers.TryGetValue(topicId, out List<string>? list)) subscribers[topicId] = list = [];
                list.Add(member);
                partitionCounts[topicId] = partitions;
            }
        }
        if (result.Count == 0) return result;
        int total = 0;
        foreach (int count in partitionCounts.Values) total += count;
        int quota = (total + result.Count - 1) / result.Count;

        var taken = new HashSet<TopicIdPartition>();
        KeepCurrent(result, current, subscribers, partitionCounts, quota, taken);
        AssignFree(result, subscribers, partitionCounts, taken);
        return result;
    }

    /// <summary>Keeps what members have, as long as they still subscribe to it and stay within the quota.</summary>
    private static void KeepCurrent(Dictionary<string, HashSet<TopicIdPartition>> result,
        IReadOnlyDictionary<string, HashSet<TopicIdPartition>> current, Dictionary<Guid, List<string>> subscribers,
        Dictionary<Guid, int> partitionCounts, int quota, HashSet<TopicIdPartition> taken)
    {
        foreach ((string member, HashSet<TopicIdPartition> mine) in result)
        {
            if (!current.TryGetValue(member, out HashSet<TopicIdPartition>? had)) continue;
            var ordered = new List<TopicIdPartition>(had);
            ordered.Sort(static (a, b) =>
                a.TopicId != b.TopicId ? a.TopicId.CompareTo(b.TopicId) : a.Partition.CompareTo(b.Partition));
            foreach (TopicIdPartition tp in ordered)
            {
                if (mine.Count >= quota) break;
                if (!partitionCounts.TryGetValue(tp.TopicId, out int count) || tp.Partition >= count) continue;
                if (!subscribers[tp.TopicId].Contains(member) || !taken.Add(tp)) continue;
                mine.Add(tp);
            }
        }
    }

    /// <summary>Gives each partition not <paramref name="taken"/> to the least loaded member that subscribes to its
    /// topic (the first by member id among equals), topic by topic in id order.</summary>
    private static void AssignFree(Dictionary<string, HashSet<TopicIdPartition>> result,
        Dictionary<Guid, List<string>> subscribers, Dictionary<Guid, int> partitionCounts,
        HashSet<TopicIdPartition> taken)
    {
        var topicsInOrder = new List<Guid>(partitionCounts.Keys);
        topicsInOrder.Sort();
        foreach (Guid topicId in topicsInOrder)
        {
            for (int p = 0; p < partitionCounts[topicId]; p++)
            {
                var tp = new TopicIdPartition(topicId, p);
                if (taken.Contains(tp)) continue;
                string? best = null;
                foreach (string member in subscribers[topicId])
                {
                    if (best is null || result[member].Count < result[best].Count
                        || (result[member].Count == result[best].Count && string.CompareOrdinal(member, best) < 0))
                    {
                        best = member;
                    }
                }
                result[best!].Add(tp);
                taken.Add(tp);
            }
        }
    }
}
