using System.Diagnostics.CodeAnalysis;
using Samsa.Metadata.Configs;

namespace Samsa.Metadata.Controller;

/// <summary>Checks configs against Samsa's definitions (<see cref="TopicConfigs"/>, <see cref="BrokerConfigs"/>):
/// known names, valid values, dynamic broker keys only.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class ConfigDefValidator : IConfigValidator
{
    public static ConfigDefValidator Instance { get; } = new();

    public bool TryValidate(ConfigResourceType resourceType, IReadOnlyDictionary<string, string> configs,
        [NotNullWhen(false)] out string? error)
    {
        var values = new Dictionary<string, string?>(configs.Count, StringComparer.Ordinal);
        foreach ((string name, string value) in configs) values[name] = value;
        IReadOnlyList<ConfigError> errors = resourceType switch
        {
            ConfigResourceType.Topic => ConfigValidation.ValidateTopicConfigs(values),
            ConfigResourceType.Broker => ConfigValidation.ValidateBrokerConfigs(values),
            _ => [new ConfigError("", $"Unsupported resource type {(int)resourceType}.")],
        };
        error = errors.Count == 0 ? null : errors[0].Message;
        return error is null;
    }

    public bool IsList(ConfigResourceType resourceType, string name) =>
        TryGet(resourceType, name, out ConfigDef? config) && config.Type == ConfigType.List;

    public string? DefaultValue(ConfigResourceType resourceType, string name) =>
        TryGet(resourceType, name, out ConfigDef? config) ? config.DefaultText : null;

    private static bool TryGet(ConfigResourceType resourceType, string name, [NotNullWhen(true)] out ConfigDef? config)
    {
        config = null;
        return resourceType switch
        {
            ConfigResourceType.Topic => TopicConfigs.TryGet(name, out config),
            ConfigResourceType.Broker => BrokerConfigs.TryGet(name, out config),
            _ => false,
        };
    }
}
