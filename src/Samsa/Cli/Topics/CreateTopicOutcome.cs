namespace Samsa.Cli.Topics;

/// <summary>CreateTopics' answer for one topic.</summary>
/// <param name="Name">The topic.</param>
/// <param name="Status">Created, already there, or failed.</param>
/// <param name="Error">When it failed: the broker's message and error code.</param>
internal sealed record CreateTopicOutcome(string Name, CreateTopicStatus Status, string? Error = null);
