namespace Samsa.Metadata.Configs;

/// <summary>A group of related keys, as the documentation lists them.</summary>
/// <param name="Title">The section's heading ("Listeners and connections").</param>
/// <param name="Configs">Its keys, in the order the docs show them.</param>
public sealed record ConfigSection(string Title, IReadOnlyList<ConfigDef> Configs);
