namespace Samsa.Storage;

/// <summary>What the <see cref="LogManager"/> needs at start-up.</summary>
public sealed record LogManagerOptions
{
    /// <summary><c>log.dirs</c>: the directories holding partition logs; new partitions go to the one with
    /// fewest.</summary>
    public required IReadOnlyList<string> LogDirs { get; init; }

    /// <summary>The cluster's id, written to and checked against each directory's <c>meta.properties</c>.</summary>
    public required string ClusterId { get; init; }

    /// <summary><c>node.id</c>, written to and checked against each directory's <c>meta.properties</c>.</summary>
    public required int NodeId { get; init; }

    /// <summary>The options of a log whose topic has no configs of its own.</summary>
    public LogOptions DefaultLogOptions { get; init; } = LogOptions.Default;

    /// <summary><c>num.recovery.threads.per.data.dir</c>: logs opened in parallel per directory at start-up.</summary>
    public int RecoveryThreadsPerDataDir { get; init; } = 2;
}
