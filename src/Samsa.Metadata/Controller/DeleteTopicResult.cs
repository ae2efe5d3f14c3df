namespace Samsa.Metadata.Controller;

/// <summary>The outcome for one topic of a DeleteTopics request.</summary>
/// <param name="Name">The topic's name (resolved from the id when deleted by id); null when unknown.</param>
/// <param name="TopicId">The topic's id (resolved from the name when deleted by name); empty when unknown.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Message">Why it failed; null on success.</param>
public readonly record struct DeleteTopicResult(string? Name, Guid TopicId, ControllerStatus Status, string? Message);
