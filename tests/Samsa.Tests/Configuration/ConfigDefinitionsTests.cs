using Samsa.Configuration;
using Samsa.Metadata.Configs;

namespace Samsa.Tests.Configuration;

// Consistency of BrokerConfigs and TopicConfigs as a whole.
public sealed class ConfigDefinitionsTests
{
    [Fact]
    public void Names_are_unique_and_documented()
    {
        Assert.Equal(BrokerConfigs.All.Count, BrokerConfigs.All.Select(c => c.Name).Distinct().Count());
        Assert.Equal(TopicConfigs.All.Count, TopicConfigs.All.Select(c => c.Name).Distinct().Count());
        Assert.All(BrokerConfigs.All.Concat(TopicConfigs.All), c => Assert.EndsWith(".", c.Documentation));
    }

    [Fact]
    public void Every_broker_key_is_in_exactly_one_section_and_can_be_looked_up()
    {
        Assert.Equal(BrokerConfigs.All.Count, BrokerConfigs.Sections.Sum(s => s.Configs.Count));
        foreach (ConfigDef config in BrokerConfigs.All)
        {
            Assert.True(BrokerConfigs.TryGet(config.Name, out ConfigDef? found));
            Assert.Same(config, found);
        }

        Assert.False(BrokerConfigs.TryGet("num.network.threads", out _));
    }

    [Fact]
    public void Every_topic_key_has_broker_synonyms_whose_default_matches_its_own()
    {
        foreach (ConfigDef topic in TopicConfigs.All)
        {
            IReadOnlyList<ConfigSynonym> synonyms = TopicConfigs.SynonymsOf(topic);
            Assert.NotEmpty(synonyms);
            Assert.All(synonyms, s => Assert.True(BrokerConfigs.TryGet(s.Broker.Name, out _), s.Broker.Name));
            ConfigSynonym withDefault = synonyms.First(s => s.Broker.HasDefault);
            Assert.Equal(topic.DefaultText, withDefault.Convert(withDefault.Broker.DefaultText!));
            Assert.Equal(topic.Type, synonyms[0].Broker.Type);
        }
    }

    [Fact]
    public void Synonyms_of_retention_and_roll_are_in_Kafkas_order()
    {
        Assert.Equal(["log.retention.ms", "log.retention.minutes", "log.retention.hours"],
            TopicConfigs.SynonymsOf(TopicConfigs.RetentionMs).Select(s => s.Broker.Name));
        Assert.Equal(["log.roll.ms", "log.roll.hours"],
            TopicConfigs.SynonymsOf(TopicConfigs.SegmentMs).Select(s => s.Broker.Name));
        Assert.Equal(["max.message.bytes"], [TopicConfigs.MaxMessageBytes.Name]);
        Assert.Equal("message.max.bytes", TopicConfigs.SynonymsOf(TopicConfigs.MaxMessageBytes)[0].Broker.Name);
        Assert.Equal(["log.retention.ms", "log.retention.minutes", "log.retention.hours"],
            BrokerConfigs.SynonymsOf(BrokerConfigs.LogRetentionHours).Select(s => s.Name));
        Assert.Equal(["min.insync.replicas"],
            BrokerConfigs.SynonymsOf(BrokerConfigs.MinInsyncReplicas).Select(s => s.Name));
    }

    [Fact]
    public void Broker_synonyms_of_topic_keys_are_dynamic()
    {
        foreach (ConfigDef topic in TopicConfigs.All)
            Assert.All(TopicConfigs.SynonymsOf(topic), s => Assert.True(s.Broker.IsDynamic, s.Broker.Name));
    }

    [Fact]
    public void Every_key_has_its_own_environment_variable_that_decodes_back()
    {
        var variables = new HashSet<string>();
        foreach (ConfigDef config in BrokerConfigs.All)
        {
            string variable = EnvironmentNames.SamsaVariable(config.Name);
            Assert.True(variables.Add(variable), variable);
            Assert.True(
                EnvironmentNames.TryDecode(variable, n => BrokerConfigs.TryGet(n, out _), out string key, out _));
            Assert.Equal(config.Name, key);
            Assert.True(
                EnvironmentNames.TryDecode(EnvironmentNames.KafkaVariable(config.Name), _ => true, out key, out _));
            Assert.Equal(config.Name, key);
            if (EnvironmentNames.BitnamiVariable(config.Name) is { } bitnami)
            {
                Assert.True(EnvironmentNames.TryDecode(bitnami, _ => true, out key, out _));
                Assert.Equal(config.Name, key);
            }
        }
    }

    [Fact]
    public void No_key_shadows_a_samsa_prefixed_key()
    {
        IEnumerable<ConfigDef> samsaKeys =
            BrokerConfigs.All.Where(c => c.Name.StartsWith("samsa.", StringComparison.Ordinal));
        foreach (ConfigDef config in samsaKeys)
            Assert.False(BrokerConfigs.TryGet(config.Name["samsa.".Length..], out _));
    }

    [Fact]
    public void Kafka_keys_Samsa_ignores_are_not_defined()
    {
        foreach (string key in KafkaSettingsNotUsed.Reasons.Keys) Assert.False(BrokerConfigs.TryGet(key, out _), key);
    }

    [Fact]
    public void Default_max_message_bytes_admits_a_1_MiB_record_with_its_batch_overhead()
    {
        const int OneMiBRecordInABatch = (1 << 20) + 61 + 32;   // batch header, record framing and a small key
        Assert.True(BrokerConfigs.MessageMaxBytes.Default >= OneMiBRecordInABatch);
        Assert.Equal(BrokerConfigs.MessageMaxBytes.Default, TopicConfigs.MaxMessageBytes.Default);
    }
}
