namespace Samsa.Cli.Topics;

/// <summary>
/// Compares an existing topic with its declaration: partition count, replication factor, each config the file sets
/// (values compared in canonical form, so <c>compact, delete</c> equals <c>compact,delete</c>), and overrides set on
/// the topic that the file does not mention. Configs the file leaves out and the topic inherits are not drift.
/// </summary>
internal static class TopicDrift
{
    public static IReadOnlyList<TopicDifference> Compute(TopicSpec expected, TopicState actual)
    {
        var differences = new List<TopicDifference>();
        if (expected.Partitions != actual.Partitions)
        {
            differences.Add(TopicDifference.Count(TopicDifferenceKind.Partitions, "partitions", expected.Partitions,
                actual.Partitions));
        }

        if (expected.ReplicationFactor != actual.ReplicationFactor)
        {
            differences.Add(TopicDifference.Count(TopicDifferenceKind.ReplicationFactor, "replication-factor",
                expected.ReplicationFactor, actual.ReplicationFactor));
        }

        foreach ((string name, string value) in expected.Configs.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            string? current = actual.Configs.TryGetValue(name, out TopicConfigValue reported) ? reported.Value : null;
            if (current is null || !SameValue(name, value, current))
                differences.Add(new TopicDifference(TopicDifferenceKind.Config, name, value, current));
        }

        foreach ((string name, TopicConfigValue reported) in actual.Configs.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (reported.IsOverride && !expected.Configs.ContainsKey(name))
                differences.Add(new TopicDifference(TopicDifferenceKind.UndeclaredConfig, name, null, reported.Value));
        }

        return differences;
    }

    /// <summary>Whether two texts mean the same value of config <paramref name="name"/>.</summary>
    public static bool SameValue(string name, string a, string b)
    {
        if (TopicConfigs.TryGet(name, out ConfigDef? definition)
            && definition.TryCanonicalize(a, out string? left, out _)
            && definition.TryCanonicalize(b, out string? right, out _))
        {
            return string.Equals(left, right, StringComparison.Ordinal);
        }

        return string.Equals(a.Trim(), b.Trim(), StringComparison.Ordinal);
    }
}
