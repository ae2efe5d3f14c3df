using System.Globalization;

namespace Samsa.Metadata.Configs;

/// <summary>
/// Checks the configs of a CreateTopics or AlterConfigs request before they are written to the metadata log.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class ConfigValidation
{
    /// <summary>
    /// Errors in topic configs: unknown keys, bad values, and min.compaction.lag.ms above max.compaction.lag.ms. A
    /// null value (a delete in AlterConfigs) is not checked.
    /// </summary>
    public static IReadOnlyList<ConfigError> ValidateTopicConfigs(IReadOnlyDictionary<string, string?> configs)
    {
        ArgumentNullException.ThrowIfNull(configs);
        var errors = new List<ConfigError>();
        foreach ((string name, string? value) in configs)
        {
            if (!TopicConfigs.TryGet(name, out ConfigDef? config))
                errors.Add(new ConfigError(name, $"Unknown topic config name: {name}"));
            else if (value is not null && config.Validate(value) is { } error)
                errors.Add(Invalid(name, value, error));
        }

        if (errors.Count == 0
            && configs.TryGetValue(TopicConfigs.MinCompactionLagMs.Name, out string? min) && min is not null
            && configs.TryGetValue(TopicConfigs.MaxCompactionLagMs.Name, out string? max) && max is not null
            && TopicConfigs.MinCompactionLagMs.Parse(min).Value > TopicConfigs.MaxCompactionLagMs.Parse(max).Value)
        {
            errors.Add(new ConfigError(TopicConfigs.MinCompactionLagMs.Name, string.Create(CultureInfo.InvariantCulture,
                $"min.compaction.lag.ms ({min.Trim()}) must not exceed max.compaction.lag.ms ({max.Trim()})")));
        }

        return errors;
    }

    /// <summary>
    /// Errors in a dynamic update of broker configs (for one broker or the cluster default): unknown keys, keys
    /// read only at start-up, bad values. A null value (a delete) is checked only for being dynamic.
    /// </summary>
    public static IReadOnlyList<ConfigError> ValidateBrokerConfigs(IReadOnlyDictionary<string, string?> configs)
    {
        ArgumentNullException.ThrowIfNull(configs);
        var errors = new List<ConfigError>();
        foreach ((string name, string? value) in configs)
        {
            if (!BrokerConfigs.TryGet(name, out ConfigDef? config))
                errors.Add(new ConfigError(name, $"Unknown broker config name: {name}"));
            else if (!config.IsDynamic)
                errors.Add(new ConfigError(name, $"Cannot update {name} dynamically: it is read at start-up"));
            else if (value is not null && config.Validate(value) is { } error)
                errors.Add(Invalid(name, value, error));
        }

        return errors;
    }

    private static ConfigError Invalid(string name, string value, string error) =>
        new(name, $"Invalid value {value.Trim()} for configuration {name}: {error}");
}
