namespace Samsa.Broker.Groups;

/// <summary>
/// Which partition of <c>__consumer_offsets</c> holds a group: Kafka's <c>Utils.abs(groupId.hashCode()) % n</c>,
/// with Java's <c>String.hashCode</c> over UTF-16 code units, so clients and tools that compute it agree.
/// </summary>
internal static class GroupHash
{
    public static int JavaHashCode(string value)
    {
        int hash = 0;
        foreach (char c in value) hash = unchecked((31 * hash) + c);
        return hash;
    }

    public static int PartitionFor(string groupId, int partitions)
    {
        int hash = JavaHashCode(groupId);
        int abs = hash == int.MinValue ? 0 : Math.Abs(hash);
        return abs % partitions;
    }
}
