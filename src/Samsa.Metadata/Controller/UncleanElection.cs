namespace Samsa.Metadata.Controller;

// unclean.leader.election.enable for one topic: the topic's own config, else the cluster-wide broker default, else the
// controller's option (off unless configured).
internal static class UncleanElection
{
    public const string ConfigName = "unclean.leader.election.enable";

    public static bool IsEnabled(MetadataImage image, string topic, MetadataControllerOptions options,
        IReadOnlyDictionary<ConfigResource, Dictionary<string, string>>? pending = null)
    {
        if (TryGet(image, ConfigResource.ForTopic(topic), pending, out bool value)) return value;
        if (TryGet(image, ConfigResource.BrokerDefault, pending, out value)) return value;
        return options.UncleanLeaderElectionEnable;
    }

    private static bool TryGet(MetadataImage image, ConfigResource resource,
        IReadOnlyDictionary<ConfigResource, Dictionary<string, string>>? pending, out bool value)
    {
        string? text = null;
        if (pending is not null && pending.TryGetValue(resource, out Dictionary<string, string>? configs))
            configs.TryGetValue(ConfigName, out text);
        else
            image.Configs.TryGetValue(resource, ConfigName, out text);
        value = text is not null && bool.TryParse(text.Trim(), out bool parsed) && parsed;
        return text is not null;
    }
}
