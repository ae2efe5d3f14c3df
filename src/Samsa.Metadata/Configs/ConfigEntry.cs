namespace Samsa.Metadata.Configs;

/// <summary>One config of a topic or broker as DescribeConfigs returns it.</summary>
/// <param name="Name">The key.</param>
/// <param name="Value">The effective value; null for a password or a key that is unset and has no default.</param>
/// <param name="Source">Where the effective value comes from.</param>
/// <param name="IsReadOnly">Whether AlterConfigs refuses to change it (broker keys that are not dynamic).</param>
/// <param name="IsSensitive">A password.</param>
/// <param name="Type">The key's type.</param>
/// <param name="Documentation">The key's documentation.</param>
/// <param name="Synonyms">Every value considered, highest precedence first; the first is the effective one.</param>
public sealed record ConfigEntry(
    string Name,
    string? Value,
    ConfigSource Source,
    bool IsReadOnly,
    bool IsSensitive,
    ConfigType Type,
    string Documentation,
    IReadOnlyList<ConfigSynonymValue> Synonyms);
