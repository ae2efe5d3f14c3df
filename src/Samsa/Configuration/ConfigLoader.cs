namespace Samsa.Configuration;

/// <summary>
/// Merges the sources of <see cref="ConfigSources"/> over the definitions' defaults, remembering where each value
/// came from. A later source wins; within the environment and the env file, <c>SAMSA_</c> beats <c>KAFKA_CFG_</c>
/// beats <c>KAFKA_</c> beats the images' <c>CLUSTER_ID</c>. Unknown keys are warnings; a bad value is an error of
/// one line naming the key, the value and its source.
/// </summary>
internal static class ConfigLoader
{
    /// <summary>Loads the broker's configuration and builds its settings.</summary>
    public static ConfigLoadResult Load(ConfigSources sources, MachineInfo machine)
    {
        var errors = new List<string>();
        var warnings = new List<ConfigWarning>();
        EffectiveConfiguration? configuration = LoadValues(sources, BrokerConfigs.All, errors, warnings);
        BrokerSettings? settings = configuration is null
            ? null
            : BrokerSettingsBuilder.Build(configuration, machine, errors, warnings);
        return new ConfigLoadResult(configuration, errors.Count == 0 ? settings : null, errors, warnings);
    }

    /// <summary>
    /// Merges the sources for <paramref name="definitions"/>; null when a file does not parse or a value is bad,
    /// with the reasons in <paramref name="errors"/>.
    /// </summary>
    public static EffectiveConfiguration? LoadValues(ConfigSources sources, IReadOnlyList<ConfigDef> definitions,
        List<string> errors, List<ConfigWarning> warnings)
    {
        int errorsBefore = errors.Count;
        var merger = new Merger(definitions, errors, warnings);
        merger.OfferPropertiesFile(sources.PropertiesFile);
        merger.OfferEnvFile(sources.EnvFile);
        foreach ((string variable, string value) in sources.Environment.OrderBy(v => v.Key, StringComparer.Ordinal))
            merger.OfferVariable(variable, value, new ConfigOrigin(ConfigOriginKind.Environment, variable));
        foreach (ConfigFlag flag in sources.Flags)
            merger.Offer(flag.Key, flag.Value, new ConfigOrigin(ConfigOriginKind.Flag, flag.Origin), rank: 0);

        List<ConfigSetting> settings = merger.Settings();
        return errors.Count > errorsBefore ? null : new EffectiveConfiguration(settings);
    }

    private static ConfigOrigin Origin(ConfigOriginKind kind, string path, int line) =>
        new(kind, $"{path}:{line.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>
    /// The value chosen so far for each defined key, source by source in rising precedence. Within one kind of
    /// source the higher rank wins (<c>SAMSA_</c> over <c>KAFKA_CFG_</c>, ...), with a warning when they differ.
    /// </summary>
    private sealed class Merger(IReadOnlyList<ConfigDef> definitions, List<string> errors,
        List<ConfigWarning> warnings)
    {
        private readonly IReadOnlyList<ConfigDef> _definitions = definitions;
        private readonly Dictionary<string, ConfigDef> _byName =
            definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);
        private readonly Dictionary<string, Candidate> _chosen = new(StringComparer.Ordinal);

        public void OfferPropertiesFile(ConfigFile? properties)
        {
            if (properties is null) return;
            if (!PropertiesFileParser.TryParse(properties.Text, out IReadOnlyList<ConfigFileEntry> entries,
                    out string? error))
            {
                errors.Add($"samsa: {properties.Path}: {error}");
                return;
            }
            foreach (ConfigFileEntry entry in entries)
            {
                Offer(entry.Key, entry.Value, Origin(ConfigOriginKind.PropertiesFile, properties.Path, entry.Line),
                    rank: 0);
            }
        }

        public void OfferEnvFile(ConfigFile? envFile)
        {
            if (envFile is null) return;
            if (!EnvFileParser.TryParse(envFile.Text, out IReadOnlyList<ConfigFileEntry> entries, out string? error))
            {
                errors.Add($"samsa: {envFile.Path}: {error}");
                return;
            }
            foreach (ConfigFileEntry entry in entries)
                OfferVariable(entry.Key, entry.Value, Origin(ConfigOriginKind.EnvFile, envFile.Path, entry.Line));
        }

        public void OfferVariable(string variable, string value, ConfigOrigin origin)
        {
            if (value.Length == 0) return;   // VAR= in compose files means "not set"
            if (!EnvironmentNames.TryDecode(variable, _byName.ContainsKey, out string key, out int rank)) return;
            Offer(key, value, origin, rank);
        }

        public void Offer(string key, string value, ConfigOrigin origin, int rank)
        {
            if (!_byName.ContainsKey(key))
            {
                warnings.Add(KafkaSettingsNotUsed.Reasons.TryGetValue(key, out string? reason)
                    ? new ConfigWarning(ConfigWarningKind.KafkaKeyNotUsed,
                        $"{key} (from {origin}) is a Kafka setting Samsa does not use: {reason}; ignored")
                    : new ConfigWarning(ConfigWarningKind.UnknownKey,
                        $"unknown setting {key} (from {origin}); ignored"));
                return;
            }

            if (_chosen.TryGetValue(key, out Candidate? current) && current.Origin.Kind == origin.Kind)
            {
                if (current.Rank > rank)
                {
                    Shadowed(key, loser: (value, origin), winner: current);
                    return;
                }

                if (current.Rank < rank)
                    Shadowed(key, loser: (current.Value, current.Origin), winner: new(value, origin, rank));
            }

            _chosen[key] = new Candidate(value, origin, rank);
        }

        /// <summary>Each definition's setting: the chosen value, canonical, or the default; a value the definition
        /// refuses is an error instead.</summary>
        public List<ConfigSetting> Settings()
        {
            var settings = new List<ConfigSetting>(_definitions.Count);
            foreach (ConfigDef definition in _definitions)
            {
                if (!_chosen.TryGetValue(definition.Name, out Candidate? candidate))
                {
                    settings.Add(new ConfigSetting(definition, definition.DefaultText, ConfigOrigin.Default));
                }
                else if (definition.TryCanonicalize(candidate.Value, out string? canonical, out string? error))
                {
                    settings.Add(new ConfigSetting(definition, canonical, candidate.Origin));
                }
                else
                {
                    string shown = definition.IsSensitive ? ConfigSetting.Hidden : candidate.Value.Trim();
                    errors.Add($"samsa: {definition.Name}={shown} (from {candidate.Origin}) {error}");
                }
            }
            return settings;
        }

        private void Shadowed(string key, (string Value, ConfigOrigin Origin) loser, Candidate winner)
        {
            if (loser.Value.Trim() == winner.Value.Trim()) return;
            warnings.Add(new ConfigWarning(ConfigWarningKind.ShadowedVariable,
                $"{key}: {loser.Origin} is ignored because {winner.Origin} also sets it"));
        }
    }

    private sealed record Candidate(string Value, ConfigOrigin Origin, int Rank);
}
