namespace Samsa.Cli.Topics;

/// <summary>The result for one declared topic.</summary>
/// <param name="Spec">The declaration.</param>
/// <param name="Status">What happened.</param>
/// <param name="Differences">How the topic still differs from the file (after any config alteration).</param>
/// <param name="Error">Why it failed, when it did.</param>
internal sealed record TopicOutcome(TopicSpec Spec, TopicStatus Status, IReadOnlyList<TopicDifference> Differences,
    string? Error = null)
{
    /// <summary>Configs this run set on an existing topic (<see cref="TopicStatus.Altered"/>).</summary>
    public IReadOnlyList<string> AlteredConfigs { get; init; } = [];
}
