using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ConfigEntry = Confluent.Kafka.Admin.ConfigEntry;
using ConfigSource = Confluent.Kafka.Admin.ConfigSource;

namespace Samsa.Cli.Topics;

// ITopicAdmin over Confluent.Kafka's admin client (librdkafka), so that topics apply speaks to Samsa exactly as
// any client would, and works against Apache Kafka too. librdkafka's own log lines are dropped (an unreachable
// bootstrap server would print one per retry); the last error it reported is kept for the message that explains a
// timeout. Metadata is synchronous in librdkafka and runs on the thread pool, bounded by its timeout. Thread-safe.
internal sealed class ConfluentTopicAdmin : ITopicAdmin
{
    private static readonly IReadOnlyDictionary<string, TopicConfigValue> NoConfigs =
        new Dictionary<string, TopicConfigValue>();

    private readonly IAdminClient _client;
    private volatile string? _lastClientError;

    public ConfluentTopicAdmin(string bootstrapServers)
    {
        var config = new AdminClientConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "samsa-topics",
            SocketTimeoutMs = 10_000,
            ReconnectBackoffMs = 100,
            ReconnectBackoffMaxMs = 1_000,
            LogConnectionClose = false,
        };
        _client = new AdminClientBuilder(config)
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, error) => _lastClientError = error.Reason)
            .Build();
    }

    public async Task<ClusterSnapshot> DescribeAsync(IReadOnlyCollection<string> topics, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(topics, StringComparer.Ordinal);
        (int brokers, List<TopicMetadata> found) = await MetadataAsync(wanted, timeout, cancellationToken)
            .ConfigureAwait(false);
        var configs = found.Count == 0
            ? new Dictionary<string, IReadOnlyDictionary<string, TopicConfigValue>>(StringComparer.Ordinal)
            : await DescribeConfigsAsync(found, timeout).ConfigureAwait(false);
        var states = new Dictionary<string, TopicState>(StringComparer.Ordinal);
        foreach (TopicMetadata topic in found)
            states[topic.Topic] = ToState(topic, configs.GetValueOrDefault(topic.Topic) ?? NoConfigs);
        return new ClusterSnapshot(brokers, states);
    }

    public async Task<ClusterSnapshot> ListAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        (int brokers, List<TopicMetadata> found) = await MetadataAsync(null, timeout, cancellationToken)
            .ConfigureAwait(false);
        var states = new Dictionary<string, TopicState>(StringComparer.Ordinal);
        foreach (TopicMetadata topic in found) states[topic.Topic] = ToState(topic, NoConfigs);
        return new ClusterSnapshot(brokers, states);
    }

    public async Task<IReadOnlyList<CreateTopicOutcome>> CreateTopicsAsync(IReadOnlyList<TopicSpec> topics,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var specifications = topics.Select(t => new TopicSpecification
        {
            Name = t.Name,
            NumPartitions = t.Partitions,
            ReplicationFactor = t.ReplicationFactor,
            Configs = new Dictionary<string, string>(t.Configs, StringComparer.Ordinal),
        }).ToList();
        var options = new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout };
        try
        {
            await _client.CreateTopicsAsync(specifications, options).ConfigureAwait(false);
            return [.. topics.Select(t => new CreateTopicOutcome(t.Name, CreateTopicStatus.Created))];
        }
        catch (CreateTopicsException e)
        {
            return [.. e.Results.Select(r => r.Error.Code switch
            {
                ErrorCode.NoError => new CreateTopicOutcome(r.Topic, CreateTopicStatus.Created),
                ErrorCode.TopicAlreadyExists => new CreateTopicOutcome(r.Topic, CreateTopicStatus.AlreadyExists),
                _ => new CreateTopicOutcome(r.Topic, CreateTopicStatus.Failed, Describe(r.Error)),
            })];
        }
        catch (KafkaException e)
        {
            throw new TopicAdminException(Describe(e.Error), e);
        }
    }

    public async Task<string?> SetConfigsAsync(string topic, IReadOnlyDictionary<string, string> configs,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };
        var entries = configs.Select(c => new ConfigEntry
        {
            Name = c.Key,
            Value = c.Value,
            IncrementalOperation = AlterConfigOpType.Set,
        }).ToList();
        try
        {
            await _client.IncrementalAlterConfigsAsync(
                new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = entries },
                new IncrementalAlterConfigsOptions { RequestTimeout = timeout }).ConfigureAwait(false);
            return null;
        }
        catch (IncrementalAlterConfigsException e)
        {
            return string.Join("; ", e.Results.Where(r => r.Error.IsError).Select(r => Describe(r.Error)));
        }
        catch (KafkaException e)
        {
            throw new TopicAdminException(Describe(e.Error), e);
        }
    }

    private async Task<(int Brokers, List<TopicMetadata> Topics)> MetadataAsync(HashSet<string>? wanted,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        Confluent.Kafka.Metadata metadata;
        try
        {
            // All topics: asking for named ones would let a broker with auto.create.topics.enable create them.
            metadata = await Task.Run(() => _client.GetMetadata(timeout), cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaException e)
        {
            string reason = Describe(e.Error);
            if (_lastClientError is { } last && !reason.Contains(last, StringComparison.Ordinal))
                reason += " (" + last + ")";
            throw new TopicAdminException(reason, e);
        }

        var found = metadata.Topics
            .Where(t => t.Error.Code == ErrorCode.NoError || t.Error.Code == ErrorCode.LeaderNotAvailable)
            .Where(t => wanted is null || wanted.Contains(t.Topic))
            .ToList();
        return (metadata.Brokers.Count, found);
    }

    private async Task<Dictionary<string, IReadOnlyDictionary<string, TopicConfigValue>>> DescribeConfigsAsync(
        List<TopicMetadata> topics, TimeSpan timeout)
    {
        List<ConfigResource> resources =
            [.. topics.Select(t => new ConfigResource { Type = ResourceType.Topic, Name = t.Topic })];
        List<DescribeConfigsResult> results;
        try
        {
            results = await _client.DescribeConfigsAsync(resources,
                new DescribeConfigsOptions { RequestTimeout = timeout }).ConfigureAwait(false);
        }
        catch (DescribeConfigsException e)
        {
            DescribeConfigsReport failed = e.Results.First(r => r.Error.IsError);
            throw new TopicAdminException(
                $"DescribeConfigs for topic {failed.ConfigResource.Name}: {Describe(failed.Error)}", e);
        }
        catch (KafkaException e)
        {
            throw new TopicAdminException("DescribeConfigs: " + Describe(e.Error), e);
        }

        var byTopic = new Dictionary<string, IReadOnlyDictionary<string, TopicConfigValue>>(StringComparer.Ordinal);
        foreach (DescribeConfigsResult result in results)
        {
            var configs = new Dictionary<string, TopicConfigValue>(StringComparer.Ordinal);
            foreach ((string name, ConfigEntryResult entry) in result.Entries)
                configs[name] = new TopicConfigValue(entry.Value, entry.Source == ConfigSource.DynamicTopicConfig);
            byTopic[result.ConfigResource.Name] = configs;
        }

        return byTopic;
    }

    private static TopicState ToState(TopicMetadata topic, IReadOnlyDictionary<string, TopicConfigValue> configs) =>
        new(topic.Topic, topic.Partitions.Count,
            topic.Partitions.Count == 0 ? 0 : topic.Partitions.Max(p => p.Replicas.Length), configs);

    private static string Describe(Error error) =>
        error.Code is ErrorCode.Local_Transport or ErrorCode.Local_TimedOut or ErrorCode.Local_AllBrokersDown
            ? error.Reason
            : $"{error.Reason} ({KafkaName(error.Code)})";

    // Kafka's spelling of an error code: TopicAlreadyExists is TOPIC_ALREADY_EXISTS.
    private static string KafkaName(ErrorCode code)
    {
        string name = code.ToString();
        var text = new System.Text.StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && name[i - 1] != '_') text.Append('_');
            text.Append(char.ToUpperInvariant(name[i]));
        }

        return text.ToString();
    }

    public void Dispose() => _client.Dispose();
}
