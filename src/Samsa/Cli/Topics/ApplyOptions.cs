namespace Samsa.Cli.Topics;

/// <summary>How <see cref="TopicsApplier"/> behaves.</summary>
internal sealed record ApplyOptions
{
    /// <summary>How long to wait for the cluster to answer and to have enough live brokers.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The pause between two looks at a cluster that is not ready.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest one look at the cluster may take, so that the deadline is checked in between.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest a CreateTopics or IncrementalAlterConfigs request may take.</summary>
    public TimeSpan ChangeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Set configs that differ from the file on existing topics (never partitions, never deletes).</summary>
    public bool AlterConfigs { get; init; }
}
