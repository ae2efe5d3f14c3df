namespace Samsa.Cli.Topics;

/// <summary>What <c>topics apply</c> did with, or found for, one declared topic.</summary>
internal enum TopicStatus
{
    /// <summary>This run created it.</summary>
    Created,

    /// <summary>It exists as declared (perhaps created by a concurrent apply).</summary>
    Unchanged,

    /// <summary>It exists and differs from the file; nothing was changed.</summary>
    Differs,

    /// <summary>Its differing configs were set from the file (<c>--alter-configs</c>); others remain.</summary>
    Altered,

    /// <summary>It could not be created or altered.</summary>
    Failed,
}
