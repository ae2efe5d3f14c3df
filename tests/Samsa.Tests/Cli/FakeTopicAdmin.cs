using Samsa.Cli.Topics;

namespace Samsa.Tests.Cli;

/// <summary>
/// A cluster in memory behind <see cref="ITopicAdmin"/>: topics with configs (those it created as overrides, plus an
/// inherited default that is never drift), a live broker count that may change call by call, failures on demand,
/// and a hook that runs before CreateTopics to play a concurrent creator.
/// </summary>
internal sealed class FakeTopicAdmin(InstantTimeProvider time) : ITopicAdmin
{
    public Dictionary<string, TopicState> Topics { get; } = new(StringComparer.Ordinal);

    /// <summary>The live brokers at each Describe call, by call number (0-based); the last value repeats.</summary>
    public List<int> LiveBrokers { get; } = [1];

    /// <summary>How many Describe calls fail (throw) before one answers; -1: all fail.</summary>
    public int UnreachableCalls { get; set; }

    /// <summary>How long each Describe call takes on the fake clock.</summary>
    public TimeSpan RequestLatency { get; set; } = TimeSpan.FromMilliseconds(10);

    public Dictionary<string, string> CreateErrors { get; } = new(StringComparer.Ordinal);

    public Action? BeforeCreate { get; set; }

    public int DescribeCalls { get; private set; }

    public List<IReadOnlyList<TopicSpec>> CreateRequests { get; } = [];

    public List<(string Topic, IReadOnlyDictionary<string, string> Configs)> ConfigChanges { get; } = [];

    public Task<ClusterSnapshot> DescribeAsync(IReadOnlyCollection<string> topics, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        int call = DescribeCalls++;
        if (UnreachableCalls < 0 || call < UnreachableCalls)
        {
            time.Advance(timeout);
            throw new TopicAdminException("Connection refused");
        }

        time.Advance(RequestLatency);
        int live = LiveBrokers[Math.Min(call - Math.Max(0, UnreachableCalls), LiveBrokers.Count - 1)];
        var found = Topics.Where(t => topics.Contains(t.Key))
            .ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        return Task.FromResult(new ClusterSnapshot(live, found));
    }

    public Task<ClusterSnapshot> ListAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(new ClusterSnapshot(LiveBrokers[^1], new Dictionary<string, TopicState>(Topics)));

    public Task<IReadOnlyList<CreateTopicOutcome>> CreateTopicsAsync(IReadOnlyList<TopicSpec> topics, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        BeforeCreate?.Invoke();
        CreateRequests.Add(topics);
        var outcomes = new List<CreateTopicOutcome>();
        foreach (TopicSpec spec in topics)
        {
            if (CreateErrors.TryGetValue(spec.Name, out string? error))
            {
                outcomes.Add(new CreateTopicOutcome(spec.Name, CreateTopicStatus.Failed, error));
            }
            else if (Topics.ContainsKey(spec.Name))
            {
                outcomes.Add(new CreateTopicOutcome(spec.Name, CreateTopicStatus.AlreadyExists));
            }
            else
            {
                Topics[spec.Name] = StateOf(spec);
                outcomes.Add(new CreateTopicOutcome(spec.Name, CreateTopicStatus.Created));
            }
        }

        return Task.FromResult<IReadOnlyList<CreateTopicOutcome>>(outcomes);
    }

    public Task<string?> SetConfigsAsync(string topic, IReadOnlyDictionary<string, string> configs, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        ConfigChanges.Add((topic, configs));
        TopicState state = Topics[topic];
        var updated = new Dictionary<string, TopicConfigValue>(state.Configs, StringComparer.Ordinal);
        foreach ((string name, string value) in configs) updated[name] = new TopicConfigValue(value, IsOverride: true);
        Topics[topic] = state with { Configs = updated };
        return Task.FromResult<string?>(null);
    }

    /// <summary>The topic as a broker would describe it after creating it from <paramref name="spec"/>.</summary>
    public static TopicState StateOf(TopicSpec spec, int? partitions = null)
    {
        var configs = new Dictionary<string, TopicConfigValue>(StringComparer.Ordinal)
        {
            ["segment.bytes"] = new("1073741824", IsOverride: false),
        };
        foreach ((string name, string value) in spec.Configs)
            configs[name] = new TopicConfigValue(value, IsOverride: true);
        return new TopicState(spec.Name, partitions ?? spec.Partitions, spec.ReplicationFactor, configs);
    }

    public void Dispose()
    {
    }
}
