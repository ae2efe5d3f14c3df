using System.Globalization;

namespace Samsa.Cli.Topics;

/// <summary>One way an existing topic differs from <c>topics.yaml</c>.</summary>
/// <param name="Kind">Partitions, replication factor, or a config.</param>
/// <param name="Name">"partitions", "replication-factor", or the config's name.</param>
/// <param name="Expected">What the file says; null for a config the file does not mention.</param>
/// <param name="Actual">What the cluster has; null for a config the cluster does not report.</param>
internal sealed record TopicDifference(TopicDifferenceKind Kind, string Name, string? Expected, string? Actual)
{
    public static TopicDifference Count(TopicDifferenceKind kind, string name, int expected, int actual) =>
        new(kind, name, expected.ToString(CultureInfo.InvariantCulture), actual.ToString(CultureInfo.InvariantCulture));

    /// <summary>One line for the table: <c>partitions: file 6, cluster 3</c>.</summary>
    public override string ToString() => Kind == TopicDifferenceKind.UndeclaredConfig
        ? $"{Name}={Actual} is set on the topic but not in the file"
        : $"{Name}: file {Expected}, cluster {Actual ?? "(not reported)"}";
}
