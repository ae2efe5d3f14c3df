namespace Samsa.Cli.Topics;

/// <summary>
/// The few Admin API calls <see cref="TopicsApplier"/> makes, so that its waiting, creating and comparing can be
/// tested without a cluster. <see cref="ConfluentTopicAdmin"/> is the real one. Calls that reach no broker, or that
/// the whole cluster refuses, throw <see cref="TopicAdminException"/>; per-topic failures are results.
/// </summary>
internal interface ITopicAdmin : IDisposable
{
    /// <summary>The live brokers, and those of <paramref name="topics"/> that exist with their configs.</summary>
    Task<ClusterSnapshot> DescribeAsync(IReadOnlyCollection<string> topics, TimeSpan timeout,
        CancellationToken cancellationToken);

    /// <summary>The live brokers and every topic, without configs.</summary>
    Task<ClusterSnapshot> ListAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Creates <paramref name="topics"/> in one CreateTopics request: an outcome per topic.</summary>
    Task<IReadOnlyList<CreateTopicOutcome>> CreateTopicsAsync(IReadOnlyList<TopicSpec> topics, TimeSpan timeout,
        CancellationToken cancellationToken);

    /// <summary>Sets <paramref name="configs"/> on <paramref name="topic"/> (IncrementalAlterConfigs SET); null, or
    /// the broker's error.</summary>
    Task<string?> SetConfigsAsync(string topic, IReadOnlyDictionary<string, string> configs, TimeSpan timeout,
        CancellationToken cancellationToken);
}
