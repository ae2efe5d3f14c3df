namespace Samsa.Metadata.Configs;

/// <summary>One value that a described config considered, as DescribeConfigs lists synonyms.</summary>
/// <param name="Name">The key that holds it (<c>retention.ms</c>, <c>log.retention.hours</c>).</param>
/// <param name="Value">The value in that key's own unit; null for a password.</param>
/// <param name="Source">The layer it comes from.</param>
public readonly record struct ConfigSynonymValue(string Name, string? Value, ConfigSource Source);
