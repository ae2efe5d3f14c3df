using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.Cli.Groups;

/// <summary>A group as <c>samsa groups list</c> shows it.</summary>
internal sealed record GroupListing(string GroupId, string State, string Type, bool IsSimple);

/// <summary>A member of a described group.</summary>
internal sealed record GroupMemberInfo(string MemberId, string ClientId, string Host, string? InstanceId,
    IReadOnlyList<TopicPartition> Assignment);

/// <summary>A group as <c>samsa groups describe</c> shows it.</summary>
internal sealed record GroupDescription(string GroupId, string State, string Assignor,
    IReadOnlyList<GroupMemberInfo> Members);

/// <summary>One partition's committed offset, end offset and lag; Committed and Lag are null without a
/// commit.</summary>
internal sealed record PartitionLag(string Topic, int Partition, long? Committed, long End, long? Lag, string? Owner);

/// <summary>Where <c>samsa groups reset-offsets</c> moves a partition.</summary>
internal sealed record OffsetReset(string Topic, int Partition, long? Current, long Target);

/// <summary>How reset-offsets picks each partition's new offset.</summary>
internal abstract record ResetSpec
{
    public sealed record Earliest : ResetSpec;

    public sealed record Latest : ResetSpec;

    public sealed record ToOffset(long Offset) : ResetSpec;

    public sealed record ShiftBy(long Delta) : ResetSpec;
}

/// <summary>
/// The group operations of the CLI over Confluent.Kafka's admin client: list, describe, lag (committed offsets
/// against the partitions' end offsets), reset offsets (the group must be empty) and delete.
/// </summary>
internal sealed class GroupsAdmin(string bootstrap, TimeSpan timeout) : IDisposable
{
    private readonly IAdminClient _admin = new AdminClientBuilder(new AdminClientConfig
    {
        BootstrapServers = bootstrap,
        SocketTimeoutMs = (int)Math.Max(1000, timeout.TotalMilliseconds),
    }).Build();

    public async Task<IReadOnlyList<GroupListing>> ListAsync()
    {
        ListConsumerGroupsResult result = await _admin.ListConsumerGroupsAsync(
            new ListConsumerGroupsOptions { RequestTimeout = timeout }).ConfigureAwait(false);
        return [.. result.Valid
            .Select(g => new GroupListing(g.GroupId, g.State.ToString(), g.Type.ToString().ToLowerInvariant(),
                g.IsSimpleConsumerGroup))
            .OrderBy(g => g.GroupId, StringComparer.Ordinal)];
    }

    public async Task<GroupDescription> DescribeAsync(string group)
    {
        DescribeConsumerGroupsResult result = await _admin.DescribeConsumerGroupsAsync([group],
            new DescribeConsumerGroupsOptions { RequestTimeout = timeout }).ConfigureAwait(false);
        ConsumerGroupDescription description = result.ConsumerGroupDescriptions.Single();
        if (description.Error.IsError) throw new KafkaException(description.Error);
        return new GroupDescription(description.GroupId, description.State.ToString(),
            description.PartitionAssignor ?? "",
            [.. description.Members.Select(m => new GroupMemberInfo(m.ConsumerId, m.ClientId, m.Host, m.GroupInstanceId,
                [.. InOrder(m.Assignment.TopicPartitions)]))]);
    }

    /// <summary>Every partition the group has committed or is assigned, with its lag.</summary>
    public async Task<IReadOnlyList<PartitionLag>> LagAsync(string group)
    {
        Dictionary<TopicPartition, long> committed = await CommittedAsync(group).ConfigureAwait(false);
        GroupDescription description = await DescribeAsync(group).ConfigureAwait(false);
        var owners = new Dictionary<TopicPartition, string>();
        foreach (GroupMemberInfo member in description.Members)
        {
            foreach (TopicPartition tp in member.Assignment)
                owners[tp] = member.ClientId + " (" + member.MemberId + ")";
        }
        var partitions = committed.Keys.Union(owners.Keys).ToList();
        Dictionary<TopicPartition, long> ends =
            await OffsetsAsync(partitions, OffsetSpec.Latest()).ConfigureAwait(false);
        return [.. InOrder(partitions)
            .Select(tp =>
            {
                long end = ends.GetValueOrDefault(tp, -1);
                long? at = committed.TryGetValue(tp, out long c) ? c : null;
                long? lag = at is { } value && end >= 0 ? Math.Max(0, end - value) : null;
                return new PartitionLag(tp.Topic, tp.Partition.Value, at, end, lag, owners.GetValueOrDefault(tp));
            })];
    }

    /// <summary>
    /// The new offsets for the group's partitions of <paramref name="topics"/> (or every partition it has committed,
    /// when null); written only when <paramref name="execute"/> is set.
    /// </summary>
    public async Task<IReadOnlyList<OffsetReset>> ResetAsync(string group, IReadOnlyList<string>? topics,
        ResetSpec spec, bool execute)
    {
        Dictionary<TopicPartition, long> committed = await CommittedAsync(group).ConfigureAwait(false);
        List<TopicPartition> partitions;
        if (topics is null)
        {
            partitions = [.. committed.Keys];
        }
        else
        {
            Confluent.Kafka.Metadata metadata = _admin.GetMetadata(timeout);
            partitions = [];
            foreach (string topic in topics)
            {
                TopicMetadata? found = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
                if (found is null || found.Error.IsError)
                    throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart, $"no topic {topic}"));
                partitions.AddRange(found.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)));
            }
        }
        Dictionary<TopicPartition, long> earliest =
            await OffsetsAsync(partitions, OffsetSpec.Earliest()).ConfigureAwait(false);
        Dictionary<TopicPartition, long> latest =
            await OffsetsAsync(partitions, OffsetSpec.Latest()).ConfigureAwait(false);
        var resets = new List<OffsetReset>();
        foreach (TopicPartition tp in InOrder(partitions))
        {
            long low = earliest.GetValueOrDefault(tp, 0), high = latest.GetValueOrDefault(tp, 0);
            long? current = committed.TryGetValue(tp, out long c) ? c : null;
            long target = spec switch
            {
                ResetSpec.Earliest => low,
                ResetSpec.Latest => high,
                ResetSpec.ToOffset to => to.Offset,
                ResetSpec.ShiftBy shift => (current ?? low) + shift.Delta,
                _ => throw new ArgumentOutOfRangeException(nameof(spec)),
            };
            resets.Add(new OffsetReset(tp.Topic, tp.Partition.Value, current, Math.Clamp(target, low, high)));
        }
        if (execute && resets.Count > 0)
        {
            await _admin.AlterConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitionOffsets(group,
                    [.. resets.Select(r => new TopicPartitionOffset(r.Topic, r.Partition, r.Target))])],
                new AlterConsumerGroupOffsetsOptions { RequestTimeout = timeout }).ConfigureAwait(false);
        }
        return resets;
    }

    public Task DeleteAsync(IReadOnlyList<string> groups) =>
        _admin.DeleteGroupsAsync([.. groups], new DeleteGroupsOptions { RequestTimeout = timeout });

    private async Task<Dictionary<TopicPartition, long>> CommittedAsync(string group)
    {
        List<ListConsumerGroupOffsetsResult> results = await _admin.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(group, null)],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = timeout }).ConfigureAwait(false);
        return results.Single().Partitions
            .Where(p => p.Offset != Offset.Unset && !p.Error.IsError)
            .ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
    }

    private async Task<Dictionary<TopicPartition, long>> OffsetsAsync(List<TopicPartition> partitions, OffsetSpec spec)
    {
        if (partitions.Count == 0) return [];
        ListOffsetsResult result = await _admin.ListOffsetsAsync(
            partitions.Select(tp => new TopicPartitionOffsetSpec { TopicPartition = tp, OffsetSpec = spec }),
            new ListOffsetsOptions { RequestTimeout = timeout }).ConfigureAwait(false);
        return result.ResultInfos.ToDictionary(r => r.TopicPartitionOffsetError.TopicPartition,
            r => r.TopicPartitionOffsetError.Offset.Value);
    }

    /// <summary>Partitions as the CLI lists them: by topic name (ordinal), then by partition number.</summary>
    private static IOrderedEnumerable<TopicPartition> InOrder(IEnumerable<TopicPartition> partitions) =>
        partitions.OrderBy(tp => tp.Topic, StringComparer.Ordinal).ThenBy(tp => tp.Partition.Value);

    public void Dispose() => _admin.Dispose();
}
