namespace Samsa.Metadata.Controller;

/// <summary>What governs a topic's leader elections: whether unclean election is allowed, and its effective
/// <c>min.insync.replicas</c>, which decides whether eligible leader replicas are tracked (KIP-966).</summary>
/// <param name="Unclean"><c>unclean.leader.election.enable</c> for the topic.</param>
/// <param name="MinIsr">The topic's <c>min.insync.replicas</c>, capped at its replication factor.</param>
internal readonly record struct ElectionPolicy(bool Unclean, int MinIsr)
{
    /// <summary>Whether the partitions of the topic keep an ELR: only where an acknowledged record needs more than one
    /// replica. With a min ISR of 1 the last in-sync replica stays in the ISR instead, as before KIP-966, and leads
    /// again when it returns whatever its shutdown: no other replica could hold more.</summary>
    public bool TracksElr => MinIsr > 1;

    /// <summary>The policy of <paramref name="topic"/>, with <paramref name="pending"/> config changes applied when
    /// given.</summary>
    public static ElectionPolicy For(MetadataImage image, TopicImage topic, MetadataControllerOptions options,
        IReadOnlyDictionary<ConfigResource, Dictionary<string, string>>? pending = null) =>
        new(UncleanElection.IsEnabled(image, topic.Name, options, pending),
            MinInsyncReplicas.Get(image, topic, options, pending));
}
