namespace Samsa.Metadata.Controller;

/// <summary>A topic to delete, by name or by id (one entry of a DeleteTopics request).</summary>
/// <param name="Name">The topic name, or null to delete by id.</param>
/// <param name="TopicId">The topic id, or empty to delete by name.</param>
public readonly record struct TopicToDelete(string? Name, Guid TopicId)
{
    public static TopicToDelete ByName(string name) => new(name, Guid.Empty);

    public static TopicToDelete ById(Guid topicId) => new(null, topicId);
}
