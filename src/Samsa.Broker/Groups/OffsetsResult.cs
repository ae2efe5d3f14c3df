namespace Samsa.Broker.Groups;

/// <summary>
/// What an offset commit or an offset deletion answers: <see cref="Status"/> for the request as a whole (Ok, or why
/// nothing was done or written), and <see cref="Partitions"/>, one per requested partition in request order, for
/// those refused on their own; null when none was.
/// </summary>
internal readonly record struct OffsetsResult(GroupStatus Status, GroupStatus[]? Partitions)
{
    public static OffsetsResult Failed(GroupStatus status) => new(status, null);

    /// <summary>The outcome of the <paramref name="index"/>th requested partition: its refusal, else the
    /// request's.</summary>
    public GroupStatus PartitionStatus(int index) =>
        Partitions is { } partitions && partitions[index] != GroupStatus.Ok ? partitions[index] : Status;
}
