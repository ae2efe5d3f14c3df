using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Image;

/// <summary>The dynamic configs of every resource that has any: topics, brokers and the broker default.</summary>
/// <remarks>Immutable and safe to read from any thread. A deleted topic takes its configs with it.</remarks>
public sealed class ConfigurationsImage : KeyedImage<ConfigResource, ConfigurationImage>
{
    public static ConfigurationsImage Empty { get; } =
        new(ImmutableDictionary<ConfigResource, ConfigurationImage>.Empty);

    internal ConfigurationsImage(ImmutableDictionary<ConfigResource, ConfigurationImage> resources)
        : base(resources)
    {
    }

    public bool TryGetResource(ConfigResource resource, [NotNullWhen(true)] out ConfigurationImage? configs) =>
        TryGet(resource, out configs);

    /// <summary>The value set on the resource for the config, if any.</summary>
    public bool TryGetValue(ConfigResource resource, string name, [NotNullWhen(true)] out string? value)
    {
        if (TryGet(resource, out ConfigurationImage? configs))
            return configs.TryGetValue(name, out value);
        value = null;
        return false;
    }

    /// <summary>The dynamic configs of the resource: empty when it has none.</summary>
    public ImmutableDictionary<string, string> Get(ConfigResource resource) =>
        TryGet(resource, out ConfigurationImage? configs)
            ? configs.Data
            : ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);
}
