namespace Samsa.Cli.Topics;

/// <summary>What CreateTopics answered for one topic.</summary>
internal enum CreateTopicStatus
{
    Created,

    /// <summary>TOPIC_ALREADY_EXISTS: someone created it first (a concurrent apply, a client, auto-creation).</summary>
    AlreadyExists,

    Failed,
}
