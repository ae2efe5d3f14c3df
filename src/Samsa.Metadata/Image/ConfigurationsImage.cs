using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Image;

/// <summary>The dynamic configs of every resource that has any: topics, brokers and the broker default.</summary>
/// <remarks>Immutable and safe to read from any thread. A deleted topic takes its configs with it.</remarks>
public sealed class ConfigurationsImage
{
    private readonly ImageMap<ConfigResource, ConfigurationImage> _resources;

    public static ConfigurationsImage Empty { get; } =
        new(ImmutableDictionary<ConfigResource, ConfigurationImage>.Empty);

    internal ConfigurationsImage(ImmutableDictionary<ConfigResource, ConfigurationImage> resources) =>
        _resources = new ImageMap<ConfigResource, ConfigurationImage>(resources);

    public int Count => _resources.Count;

    /// <summary>The resources with configs, in no particular order.</summary>
    public IEnumerable<ConfigurationImage> All => _resources.Items.Values;

    internal ImmutableDictionary<ConfigResource, ConfigurationImage> Items => _resources.Items;

    public bool TryGetResource(ConfigResource resource, [NotNullWhen(true)] out ConfigurationImage? configs) =>
        _resources.TryGetValue(resource, out configs);

    /// <summary>The value set on the resource for the config, if any.</summary>
    public bool TryGetValue(ConfigResource resource, string name, [NotNullWhen(true)] out string? value)
    {
        if (_resources.TryGetValue(resource, out ConfigurationImage? configs))
            return configs.TryGetValue(name, out value);
        value = null;
        return false;
    }

    /// <summary>The dynamic configs of the resource: empty when it has none.</summary>
    public ImmutableDictionary<string, string> Get(ConfigResource resource) =>
        _resources.TryGetValue(resource, out ConfigurationImage? configs)
            ? configs.Data
            : ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);
}
