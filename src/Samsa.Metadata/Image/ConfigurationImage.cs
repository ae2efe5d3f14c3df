using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Image;

/// <summary>The dynamic configs set on one resource: what the metadata log holds, not the effective values (those
/// fall back to the broker default, then to static configuration).</summary>
/// <remarks>Immutable.</remarks>
public sealed class ConfigurationImage
{
    private readonly ImageMap<string, string> _data;

    internal ConfigurationImage(ConfigResource resource, ImmutableDictionary<string, string> data)
    {
        Resource = resource;
        _data = new ImageMap<string, string>(data);
    }

    public ConfigResource Resource { get; }

    /// <summary>The configs set, by name.</summary>
    public ImmutableDictionary<string, string> Data => _data.Items;

    public int Count => _data.Count;

    /// <summary>The value set for the config, if any. O(1), no allocation after the first lookup.</summary>
    public bool TryGetValue(string name, [NotNullWhen(true)] out string? value) => _data.TryGetValue(name, out value);
}
