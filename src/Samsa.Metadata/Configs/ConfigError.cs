namespace Samsa.Metadata.Configs;

/// <summary>A config refused by AlterConfigs or CreateTopics validation (the handler answers INVALID_CONFIG).</summary>
/// <param name="Name">The key.</param>
/// <param name="Message">What is wrong, in Kafka's wording where Kafka has one.</param>
public sealed record ConfigError(string Name, string Message);
