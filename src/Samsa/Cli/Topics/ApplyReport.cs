namespace Samsa.Cli.Topics;

/// <summary>What one <c>topics apply</c> found and did.</summary>
/// <param name="Topics">One outcome per declared topic in file order; empty if the cluster never answered.</param>
/// <param name="LiveBrokers">The live brokers last seen; -1 when the cluster never answered.</param>
/// <param name="Error">Why nothing could be applied (the cluster did not answer in time); null otherwise.</param>
internal sealed record ApplyReport(IReadOnlyList<TopicOutcome> Topics, int LiveBrokers, string? Error = null)
{
    /// <summary>0: applied; 1: an error (no cluster, a topic failed); 2: only drift, with fail-on-drift.</summary>
    public int ExitCode(bool failOnDrift)
    {
        if (Error is not null || Topics.Any(t => t.Status == TopicStatus.Failed)) return 1;
        return failOnDrift && Topics.Any(t => t.Differences.Count > 0) ? 2 : 0;
    }
}
