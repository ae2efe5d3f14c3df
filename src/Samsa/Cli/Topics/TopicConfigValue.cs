namespace Samsa.Cli.Topics;

/// <summary>One topic config as DescribeConfigs reports it.</summary>
/// <param name="Value">The effective value; null when the cluster hides it.</param>
/// <param name="IsOverride">Whether it is set on the topic itself (source DYNAMIC_TOPIC_CONFIG), not inherited.</param>
internal readonly record struct TopicConfigValue(string? Value, bool IsOverride);
