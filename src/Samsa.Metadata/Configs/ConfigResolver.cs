namespace Samsa.Metadata.Configs;

/// <summary>
/// Effective values, their sources and their synonyms, as DescribeConfigs reports them for topics and brokers.
/// </summary>
/// <remarks>
/// <para>Synonyms are listed in Kafka's order: the topic's own override, then for each broker layer (this broker's
/// dynamic values, the cluster-wide dynamic defaults, the static values, the defaults) every synonym key in order
/// (<c>log.retention.ms</c>, <c>log.retention.minutes</c>, <c>log.retention.hours</c>).</para>
/// <para>A topic's effective value is always the first synonym's, converted to the topic key's unit, and its source
/// is that synonym's. Kafka differs in two corners, where its answer contradicts itself: it takes
/// <c>log.retention.ms</c> over <c>log.retention.hours</c> whatever their layers, and it reports
/// DEFAULT_CONFIG with no synonyms when only a secondary key (<c>log.retention.hours</c>) is set.</para>
/// <para>Stateless and thread-safe. Not for per-request use: callers cache the result per image
/// (<see cref="EffectiveTopicConfig"/>).</para>
/// </remarks>
public static class ConfigResolver
{
    /// <summary>Every topic config of a topic with <paramref name="topicConfigs"/> as its overrides, by name.</summary>
    public static IReadOnlyList<ConfigEntry> DescribeTopic(IReadOnlyDictionary<string, string> topicConfigs,
        BrokerConfigValues broker)
    {
        var entries = new List<ConfigEntry>(TopicConfigs.All.Count);
        foreach (ConfigDef config in TopicConfigs.All) entries.Add(DescribeTopicConfig(config, topicConfigs, broker));
        return entries;
    }

    /// <summary>One topic config of a topic with <paramref name="topicConfigs"/> as its overrides.</summary>
    public static ConfigEntry DescribeTopicConfig(ConfigDef config, IReadOnlyDictionary<string, string> topicConfigs,
        BrokerConfigValues broker)
    {
        ArgumentNullException.ThrowIfNull(config);
        List<ConfigSynonymValue> synonyms = TopicSynonyms(config, topicConfigs, broker, out string? value,
            out ConfigSource source);
        return new ConfigEntry(config.Name, config.IsSensitive ? null : value, source, IsReadOnly: false,
            config.IsSensitive, config.Type, config.Documentation, Mask(config, synonyms));
    }

    /// <summary>The effective value of a topic config, typed.</summary>
    public static T ResolveTopicValue<T>(ConfigDef<T> config, IReadOnlyDictionary<string, string> topicConfigs,
        BrokerConfigValues broker)
    {
        TopicSynonyms(config, topicConfigs, broker, out string? value, out _);
        return config.ParseOrDefault(value);
    }

    /// <summary>
    /// The effective value of a broker-only config (one topics cannot override), typed: this broker's dynamic value,
    /// else the cluster-wide dynamic default, else the static value, else the definition's default.
    /// </summary>
    public static T ResolveBrokerValue<T>(ConfigDef<T> config, BrokerConfigValues broker)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(broker);
        if (broker.DynamicBroker.TryGetValue(config.Name, out string? value) ||
            broker.DynamicDefault.TryGetValue(config.Name, out value) ||
            broker.Static.TryGetValue(config.Name, out value))
        {
            return config.ParseOrDefault(value);
        }
        return config.ParseOrDefault(null);
    }

    /// <summary>
    /// Every broker config: of this broker (<paramref name="clusterDefault"/> false, the resource <c>"&lt;id&gt;"</c>),
    /// or the cluster-wide dynamic defaults (true, the resource <c>""</c>), which lists only the keys set there.
    /// </summary>
    public static IReadOnlyList<ConfigEntry> DescribeBroker(BrokerConfigValues broker, bool clusterDefault = false)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var entries = new List<ConfigEntry>();
        foreach (ConfigDef config in BrokerConfigs.All)
        {
            if (clusterDefault && !broker.DynamicDefault.ContainsKey(config.Name)) continue;
            entries.Add(DescribeBrokerConfig(config, broker, clusterDefault));
        }

        return entries;
    }

    /// <summary>
    /// One broker config. Its value and source are the key's own (highest layer that sets it, else its default);
    /// the synonyms start at that value, as Kafka lists them.
    /// </summary>
    public static ConfigEntry DescribeBrokerConfig(ConfigDef config, BrokerConfigValues broker,
        bool clusterDefault = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(broker);
        var all = new List<ConfigSynonymValue>();
        AddBrokerLayers(all, BrokerConfigs.SynonymsOf(config), broker);
        int own = all.FindIndex(s => s.Name == config.Name);
        List<ConfigSynonymValue> synonyms = own < 0 ? [] : all.GetRange(own, all.Count - own);
        if (clusterDefault) synonyms.RemoveAll(s => s.Source != ConfigSource.DynamicDefaultBrokerConfig);
        string? value = synonyms.Count > 0 ? synonyms[0].Value : null;
        ConfigSource source = synonyms.Count > 0 ? synonyms[0].Source : ConfigSource.DefaultConfig;
        return new ConfigEntry(config.Name, config.IsSensitive ? null : value, source, IsReadOnly: !config.IsDynamic,
            config.IsSensitive, config.Type, config.Documentation, Mask(config, synonyms));
    }

    private static List<ConfigSynonymValue> TopicSynonyms(ConfigDef config,
        IReadOnlyDictionary<string, string> topicConfigs, BrokerConfigValues broker, out string? value,
        out ConfigSource source)
    {
        ArgumentNullException.ThrowIfNull(topicConfigs);
        ArgumentNullException.ThrowIfNull(broker);
        var synonyms = new List<ConfigSynonymValue>();
        if (topicConfigs.TryGetValue(config.Name, out string? own))
            synonyms.Add(new ConfigSynonymValue(config.Name, own, ConfigSource.DynamicTopicConfig));
        IReadOnlyList<ConfigSynonym> brokerSynonyms = TopicConfigs.SynonymsOf(config);
        var brokerKeys = new ConfigDef[brokerSynonyms.Count];
        for (int i = 0; i < brokerKeys.Length; i++) brokerKeys[i] = brokerSynonyms[i].Broker;
        AddBrokerLayers(synonyms, brokerKeys, broker);

        if (synonyms.Count == 0)
        {
            value = config.DefaultText;
            source = ConfigSource.DefaultConfig;
            return synonyms;
        }

        ConfigSynonymValue first = synonyms[0];
        source = first.Source;
        value = first.Value;
        if (first.Source != ConfigSource.DynamicTopicConfig && first.Value is not null)
        {
            foreach (ConfigSynonym synonym in brokerSynonyms)
            {
                if (synonym.Broker.Name == first.Name) value = synonym.Convert(first.Value);
            }
        }

        return synonyms;
    }

    private static void AddBrokerLayers(List<ConfigSynonymValue> synonyms, IReadOnlyList<ConfigDef> keys,
        BrokerConfigValues broker)
    {
        AddLayer(synonyms, keys, broker.DynamicBroker, ConfigSource.DynamicBrokerConfig);
        AddLayer(synonyms, keys, broker.DynamicDefault, ConfigSource.DynamicDefaultBrokerConfig);
        AddLayer(synonyms, keys, broker.Static, ConfigSource.StaticBrokerConfig);
        foreach (ConfigDef key in keys)
        {
            if (key.DefaultText is { } text)
                synonyms.Add(new ConfigSynonymValue(key.Name, text, ConfigSource.DefaultConfig));
        }
    }

    private static void AddLayer(List<ConfigSynonymValue> synonyms, IReadOnlyList<ConfigDef> keys,
        IReadOnlyDictionary<string, string> layer, ConfigSource source)
    {
        foreach (ConfigDef key in keys)
        {
            if (layer.TryGetValue(key.Name, out string? text))
                synonyms.Add(new ConfigSynonymValue(key.Name, text, source));
        }
    }

    private static List<ConfigSynonymValue> Mask(ConfigDef config, List<ConfigSynonymValue> synonyms)
    {
        if (!config.IsSensitive) return synonyms;
        for (int i = 0; i < synonyms.Count; i++) synonyms[i] = synonyms[i] with { Value = null };
        return synonyms;
    }
}
