using Samsa.Metadata.Configs;
using Samsa.Protocol.Records;
using Samsa.Storage;

namespace Samsa.Tests.Configuration;

public sealed class ConfigResolverTests
{
    private static readonly Dictionary<string, string> NoOverrides = [];

    private static Dictionary<string, string> Values(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value);

    [Fact]
    public void A_topic_without_overrides_takes_the_broker_default_in_its_own_unit()
    {
        ConfigEntry entry = ConfigResolver.DescribeTopicConfig(TopicConfigs.RetentionMs, NoOverrides,
            BrokerConfigValues.Defaults);

        Assert.Equal("604800000", entry.Value);
        Assert.Equal(ConfigSource.DefaultConfig, entry.Source);
        Assert.Equal([new ConfigSynonymValue("log.retention.hours", "168", ConfigSource.DefaultConfig)],
            entry.Synonyms);
        Assert.False(entry.IsReadOnly);
        Assert.Equal(ConfigType.Long, entry.Type);
        Assert.Equal(TopicConfigs.RetentionMs.Documentation, entry.Documentation);
    }

    [Fact]
    public void A_topic_override_comes_first_and_is_the_value()
    {
        var broker = new BrokerConfigValues(staticValues: Values(("log.retention.hours", "48")));

        ConfigEntry entry = ConfigResolver.DescribeTopicConfig(TopicConfigs.RetentionMs,
            Values(("retention.ms", "1000")), broker);

        Assert.Equal("1000", entry.Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, entry.Source);
        Assert.Equal(
        [
            new ConfigSynonymValue("retention.ms", "1000", ConfigSource.DynamicTopicConfig),
            new ConfigSynonymValue("log.retention.hours", "48", ConfigSource.StaticBrokerConfig),
            new ConfigSynonymValue("log.retention.hours", "168", ConfigSource.DefaultConfig),
        ], entry.Synonyms);
    }

    [Fact]
    public void Synonyms_are_listed_layer_by_layer_and_the_first_one_wins()
    {
        var broker = new BrokerConfigValues(
            dynamicBroker: Values(("log.retention.minutes", "30")),
            dynamicDefault: Values(("log.retention.hours", "2"), ("log.retention.ms", "5000")),
            staticValues: Values(("log.retention.ms", "9000")));

        ConfigEntry entry = ConfigResolver.DescribeTopicConfig(TopicConfigs.RetentionMs, NoOverrides, broker);

        Assert.Equal("1800000", entry.Value);
        Assert.Equal(ConfigSource.DynamicBrokerConfig, entry.Source);
        Assert.Equal(
        [
            new ConfigSynonymValue("log.retention.minutes", "30", ConfigSource.DynamicBrokerConfig),
            new ConfigSynonymValue("log.retention.ms", "5000", ConfigSource.DynamicDefaultBrokerConfig),
            new ConfigSynonymValue("log.retention.hours", "2", ConfigSource.DynamicDefaultBrokerConfig),
            new ConfigSynonymValue("log.retention.ms", "9000", ConfigSource.StaticBrokerConfig),
            new ConfigSynonymValue("log.retention.hours", "168", ConfigSource.DefaultConfig),
        ], entry.Synonyms);
    }

    [Fact]
    public void A_negative_retention_in_hours_is_no_limit()
    {
        var broker = new BrokerConfigValues(staticValues: Values(("log.retention.hours", "-1")));

        Assert.Equal(-1, ConfigResolver.ResolveTopicValue(TopicConfigs.RetentionMs, NoOverrides, broker));
        Assert.Equal(Timeout.InfiniteTimeSpan, EffectiveTopicConfig.Resolve(NoOverrides, broker).Log.RetentionTime);
    }

    [Fact]
    public void Describing_a_topic_lists_every_topic_config_by_name()
    {
        IReadOnlyList<ConfigEntry> entries = ConfigResolver.DescribeTopic(Values(("segment.ms", "60000")),
            BrokerConfigValues.Defaults);

        Assert.Equal(TopicConfigs.All.Select(c => c.Name).Order(StringComparer.Ordinal), entries.Select(e => e.Name));
        ConfigEntry maxMessageBytes = entries.Single(e => e.Name == "max.message.bytes");
        Assert.Equal("1052672", maxMessageBytes.Value);
        Assert.Equal([new ConfigSynonymValue("message.max.bytes", "1052672", ConfigSource.DefaultConfig)],
            maxMessageBytes.Synonyms);
        Assert.Equal(ConfigSource.DynamicTopicConfig, entries.Single(e => e.Name == "segment.ms").Source);
    }

    [Fact]
    public void A_broker_key_reports_its_own_value_and_the_synonyms_from_it_on()
    {
        var broker = new BrokerConfigValues(
            dynamicBroker: Values(("log.retention.ms", "1000")),
            staticValues: Values(("log.retention.hours", "48")));

        ConfigEntry hours = ConfigResolver.DescribeBrokerConfig(BrokerConfigs.LogRetentionHours, broker);
        ConfigEntry ms = ConfigResolver.DescribeBrokerConfig(BrokerConfigs.LogRetentionMs, broker);
        ConfigEntry minutes = ConfigResolver.DescribeBrokerConfig(BrokerConfigs.LogRetentionMinutes, broker);

        Assert.Equal("48", hours.Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, hours.Source);
        Assert.Equal(
        [
            new ConfigSynonymValue("log.retention.hours", "48", ConfigSource.StaticBrokerConfig),
            new ConfigSynonymValue("log.retention.hours", "168", ConfigSource.DefaultConfig),
        ], hours.Synonyms);
        Assert.Equal("1000", ms.Value);
        Assert.Equal(ConfigSource.DynamicBrokerConfig, ms.Source);
        Assert.Equal(3, ms.Synonyms.Count);
        Assert.Null(minutes.Value);
        Assert.Equal(ConfigSource.DefaultConfig, minutes.Source);
        Assert.Empty(minutes.Synonyms);
    }

    [Fact]
    public void Broker_keys_are_read_only_unless_dynamic()
    {
        IReadOnlyList<ConfigEntry> entries = ConfigResolver.DescribeBroker(BrokerConfigValues.Defaults);

        Assert.Equal(BrokerConfigs.All.Count, entries.Count);
        Assert.True(entries.Single(e => e.Name == "node.id").IsReadOnly);
        Assert.False(entries.Single(e => e.Name == "min.insync.replicas").IsReadOnly);
        Assert.Null(entries.Single(e => e.Name == "node.id").Value);
        Assert.Equal("1", entries.Single(e => e.Name == "min.insync.replicas").Value);
    }

    [Fact]
    public void The_cluster_default_resource_lists_only_its_own_keys()
    {
        var broker = new BrokerConfigValues(
            dynamicBroker: Values(("min.insync.replicas", "3")),
            dynamicDefault: Values(("min.insync.replicas", "2")),
            staticValues: Values(("num.partitions", "4")));

        ConfigEntry entry = Assert.Single(ConfigResolver.DescribeBroker(broker, clusterDefault: true));

        Assert.Equal("2", entry.Value);
        Assert.Equal(ConfigSource.DynamicDefaultBrokerConfig, entry.Source);
        Assert.Equal([new ConfigSynonymValue("min.insync.replicas", "2", ConfigSource.DynamicDefaultBrokerConfig)],
            entry.Synonyms);
    }

    [Fact]
    public void Sensitive_values_are_never_described()
    {
        ConfigDef<string?> password = ConfigDef.Password("ssl.key.password", "d", dynamic: true);
        var broker = new BrokerConfigValues(staticValues: Values(("ssl.key.password", "s3cret")));

        ConfigEntry entry = ConfigResolver.DescribeBrokerConfig(password, broker);

        Assert.True(entry.IsSensitive);
        Assert.Null(entry.Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, entry.Source);
        Assert.Equal([new ConfigSynonymValue("ssl.key.password", null, ConfigSource.StaticBrokerConfig)],
            entry.Synonyms);
    }

    [Fact]
    public void Effective_topic_config_maps_to_storage_options()
    {
        EffectiveTopicConfig config = EffectiveTopicConfig.Resolve(
            Values(("cleanup.policy", "delete"), ("flush.mode", "fsync"), ("message.timestamp.type", "LogAppendTime"),
                ("retention.bytes", "1000000"), ("max.message.bytes", "2000000"), ("min.insync.replicas", "2")),
            new BrokerConfigValues(staticValues: Values(("log.segment.bytes", "2097152"))));

        Assert.Equal(2 << 20, config.Log.SegmentBytes);
        Assert.Equal(LogFlushMode.Fsync, config.Log.FlushMode);
        Assert.Equal(TimestampType.LogAppendTime, config.Log.MessageTimestampType);
        Assert.Equal(1_000_000, config.Log.RetentionBytes);
        Assert.Equal(2_000_000, config.MaxMessageBytes);
        Assert.Equal(2, config.MinInsyncReplicas);
        Assert.Equal(TimeSpan.FromHours(1), config.MessageTimestampAfterMax);
        Assert.Equal(TimeSpan.MaxValue, config.MessageTimestampBeforeMax);
        Assert.True(config.IsDeleteEnabled);
        Assert.False(config.IsCompacted);
    }

    [Fact]
    public void A_compact_only_topic_has_no_retention()
    {
        EffectiveTopicConfig config = EffectiveTopicConfig.Resolve(
            Values(("cleanup.policy", "compact"), ("retention.ms", "1000"), ("retention.bytes", "1000")),
            BrokerConfigValues.Defaults);

        Assert.True(config.IsCompacted);
        Assert.Equal(Timeout.InfiniteTimeSpan, config.Log.RetentionTime);
        Assert.Equal(-1, config.Log.RetentionBytes);
    }

    [Fact]
    public void Topic_configs_are_validated_as_Kafka_words_it()
    {
        IReadOnlyList<ConfigError> errors = ConfigValidation.ValidateTopicConfigs(new Dictionary<string, string?>
        {
            ["retention.ms"] = "-2",
            ["flush.ms"] = "1000",
            ["cleanup.policy"] = null,
        });

        Assert.Equal(
        [
            new ConfigError("retention.ms", "Invalid value -2 for configuration retention.ms: must be at least -1"),
            new ConfigError("flush.ms", "Unknown topic config name: flush.ms"),
        ], errors);
        Assert.Equal(
            [
                new ConfigError("min.compaction.lag.ms",
                    "min.compaction.lag.ms (10) must not exceed max.compaction.lag.ms (5)"),
            ],
            ConfigValidation.ValidateTopicConfigs(new Dictionary<string, string?>
            {
                ["min.compaction.lag.ms"] = "10",
                ["max.compaction.lag.ms"] = "5",
            }));
    }

    [Fact]
    public void Only_dynamic_broker_configs_can_be_altered()
    {
        IReadOnlyList<ConfigError> errors = ConfigValidation.ValidateBrokerConfigs(new Dictionary<string, string?>
        {
            ["min.insync.replicas"] = "2",
            ["log.retention.hours"] = null,
            ["node.id"] = "3",
            ["message.max.bytes"] = "-1",
            ["num.io.threads"] = "8",
        });

        Assert.Equal(
        [
            new ConfigError("node.id", "Cannot update node.id dynamically: it is read at start-up"),
            new ConfigError("message.max.bytes",
                "Invalid value -1 for configuration message.max.bytes: must be at least 0"),
            new ConfigError("num.io.threads", "Unknown broker config name: num.io.threads"),
        ], errors);
    }
}
