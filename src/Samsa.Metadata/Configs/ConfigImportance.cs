namespace Samsa.Metadata.Configs;

/// <summary>How much an operator should care about a config (Kafka's importance: high, medium, low).</summary>
public enum ConfigImportance
{
    High,
    Medium,
    Low,
}
