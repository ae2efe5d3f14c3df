using System.Globalization;

namespace Samsa.Metadata.Controller;

// min.insync.replicas for one topic, as the controller sees it: the topic's own config, else the cluster-wide broker
// default, else the controller's option; capped at the replication factor, as Kafka's controller does, so that a
// topic with fewer replicas than its setting is judged against the most it could have in sync.
internal static class MinInsyncReplicas
{
    public const string ConfigName = "min.insync.replicas";

    /// <summary>The effective value for <paramref name="topic"/>: at least 1, at most its replication
    /// factor.</summary>
    public static int Get(MetadataImage image, TopicImage topic, MetadataControllerOptions options,
        IReadOnlyDictionary<ConfigResource, Dictionary<string, string>>? pending = null)
    {
        if (!TryGet(image, ConfigResource.ForTopic(topic.Name), pending, out int value) &&
            !TryGet(image, ConfigResource.BrokerDefault, pending, out value))
        {
            value = options.MinInsyncReplicas;
        }
        return Math.Max(1, Math.Min(value, topic.ReplicationFactor));
    }

    private static bool TryGet(MetadataImage image, ConfigResource resource,
        IReadOnlyDictionary<ConfigResource, Dictionary<string, string>>? pending, out int value)
    {
        string? text = null;
        if (pending is not null && pending.TryGetValue(resource, out Dictionary<string, string>? configs))
            configs.TryGetValue(ConfigName, out text);
        else
            image.Configs.TryGetValue(resource, ConfigName, out text);
        value = 0;
        return text is not null &&
            int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }
}
