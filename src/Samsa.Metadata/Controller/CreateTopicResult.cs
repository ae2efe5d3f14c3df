namespace Samsa.Metadata.Controller;

/// <summary>The outcome for one topic of a CreateTopics request.</summary>
/// <param name="Name">The topic name.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Message">Why it failed; null on success.</param>
/// <param name="TopicId">The new topic's id; empty on failure and in validate-only mode.</param>
/// <param name="NumPartitions">The partitions it has (or would have); -1 on failure.</param>
/// <param name="ReplicationFactor">Its replication factor; -1 on failure.</param>
public sealed record CreateTopicResult(string Name, ControllerStatus Status, string? Message, Guid TopicId,
    int NumPartitions, short ReplicationFactor)
{
    internal static CreateTopicResult Failed(string name, ControllerStatus status, string? message) =>
        new(name, status, message, Guid.Empty, -1, -1);
}
