namespace Samsa.Broker.Groups;

/// <summary>
/// Kafka's "consumer" embedded protocol, an int16 version then <see cref="ConsumerProtocolSubscription"/> or
/// <see cref="ConsumerProtocolAssignment"/> at that version: reads the topics a classic member subscribes to, and
/// writes a consumer group member's subscription and assignment for DescribeGroups.
/// </summary>
internal static class ConsumerProtocol
{
    /// <summary>The subscribed topics; empty when the metadata is not a readable subscription.</summary>
    public static List<string> Topics(byte[]? metadata)
    {
        if (metadata is not { Length: >= 2 }) return [];
        // A newer version starts with the same fields; read it as the newest one known.
        short version = Math.Min(CoordinatorRecordSerde.PeekVersion(metadata),
            ConsumerProtocolSubscription.HighestSupportedVersion);
        if (version < 0) return [];
        try
        {
            var reader = new Samsa.Protocol.Primitives.KafkaReader(metadata.AsMemory(2));
            return ConsumerProtocolSubscription.Read(ref reader, version).Topics;
        }
        catch (ProtocolException)
        {
            return [];
        }
    }

    public static byte[] WriteSubscription(IReadOnlyList<string> topics) =>
        CoordinatorRecordSerde.Write(0, new ConsumerProtocolSubscription { Topics = [.. topics], UserData = null });

    public static byte[] WriteAssignment(IReadOnlyList<(string Topic, List<int> Partitions)> topics)
    {
        var assignment = new ConsumerProtocolAssignment { UserData = null };
        foreach ((string topic, List<int> partitions) in topics)
        {
            assignment.AssignedPartitions.Add(
                new ConsumerProtocolAssignment.TopicPartition { Topic = topic, Partitions = partitions });
        }
        return CoordinatorRecordSerde.Write(0, assignment);
    }
}
