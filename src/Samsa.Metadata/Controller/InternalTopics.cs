namespace Samsa.Metadata.Controller;

// Topics the brokers create for themselves. A broker creates one with as many replicas as there are live brokers when
// fewer than configured are (a small cluster, or a client that asked before the others joined); the controller grows
// it to the configured factor as brokers are unfenced, so no cluster stays at one replica because it started small.
internal static class InternalTopics
{
    /// <summary>Where consumer groups keep their offsets and metadata.</summary>
    public const string ConsumerOffsets = "__consumer_offsets";

    /// <summary>The replication factor <paramref name="topic"/> grows to and the config that sets it, when it is an
    /// internal topic.</summary>
    public static bool TryGetTarget(string topic, MetadataControllerOptions options, out short replicationFactor,
        out string configName)
    {
        if (string.Equals(topic, ConsumerOffsets, StringComparison.Ordinal))
        {
            replicationFactor = options.OffsetsTopicReplicationFactor;
            configName = "offsets.topic.replication.factor";
            return true;
        }
        replicationFactor = 0;
        configName = "";
        return false;
    }
}
