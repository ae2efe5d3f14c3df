using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Groups;

/// <summary>
/// The group coordinator: routes each group to the shard of the <c>__consumer_offsets</c> partition its id hashes
/// to, creates that topic on first need, and follows leadership of its partitions: a partition this broker comes
/// to lead is loaded, one it stops leading is unloaded.
/// </summary>
/// <remarks>
/// <see cref="OnMetadataUpdate"/> runs on the metadata thread after the replica manager has applied the same image
/// (it is registered after it), so the partition it looks up is the one the image describes. Request threads look
/// shards up concurrently.
/// </remarks>
internal sealed class GroupCoordinator(ReplicaManager replicas, MetadataLoader metadata,
    IController controller, GroupCoordinatorOptions options, TimeProvider time, ILogger logger)
    : IMetadataPublisher
{
    public const string TopicName = "__consumer_offsets";

    private readonly ConcurrentDictionary<int, CoordinatorShard> _shards = new();

    public GroupCoordinatorOptions Options { get; } = options;

    public TimeProvider Time { get; } = time;

    public IEnumerable<CoordinatorShard> Shards => _shards.Values;

    /// <summary>The partition of <c>__consumer_offsets</c> that holds <paramref name="groupId"/>.</summary>
    public int PartitionFor(string groupId) => GroupHash.PartitionFor(groupId, PartitionCount(metadata.Current));

    private int PartitionCount(MetadataImage image) =>
        image.Topics.TryGetTopic(TopicName, out TopicImage? topic) && topic.PartitionCount > 0
            ? topic.PartitionCount
            : Options.OffsetsTopicNumPartitions;

    /// <summary>
    /// The shard that coordinates <paramref name="groupId"/>: Ok with the shard when this broker coordinates the
    /// group and has loaded it, CoordinatorLoadInProgress while loading, NotCoordinator otherwise.
    /// </summary>
    public GroupStatus TryGetShard(string groupId, out CoordinatorShard? shard)
    {
        if (!_shards.TryGetValue(PartitionFor(groupId), out shard)) return GroupStatus.NotCoordinator;
        return shard.Status;
    }

    /// <summary>
    /// The existing classic group <paramref name="groupId"/> for Sync, Heartbeat and Leave: InvalidGroupId for an
    /// empty id, the shard's status when it does not serve, UnknownMemberId when there is no such classic group.
    /// </summary>
    public GroupStatus TryGetClassicGroup(string groupId, out ClassicGroup? group)
    {
        group = null;
        if (groupId.Length == 0) return GroupStatus.InvalidGroupId;
        GroupStatus status = TryGetShard(groupId, out CoordinatorShard? shard);
        if (status != GroupStatus.Ok) return status;
        if (!shard!.TryGetGroup(groupId, out Group? found) || found is not ClassicGroup classic)
            return GroupStatus.UnknownMemberId;
        group = classic;
        return GroupStatus.Ok;
    }

    /// <summary>
    /// The broker that coordinates <paramref name="groupId"/> (the leader of its partition), creating
    /// <c>__consumer_offsets</c> first if it does not exist: Ok with the node id, or CoordinatorNotAvailable.
    /// </summary>
    public async ValueTask<(GroupStatus Status, int NodeId)> FindCoordinatorAsync(string groupId,
        CancellationToken cancellationToken)
    {
        MetadataImage image = metadata.Current;
        if (!image.Topics.TryGetTopic(TopicName, out TopicImage? topic))
        {
            GroupStatus created = await CreateTopicAsync(image, cancellationToken).ConfigureAwait(false);
            image = metadata.Current;
            if (!image.Topics.TryGetTopic(TopicName, out topic))
                return (created == GroupStatus.Ok ? GroupStatus.CoordinatorNotAvailable : created, -1);
        }
        int partition = GroupHash.PartitionFor(groupId, topic.PartitionCount);
        if (!topic.TryGetPartition(partition, out PartitionRegistration? registration) || !registration.HasLeader
            || !image.Brokers.IsUnfenced(registration.Leader))
        {
            return (GroupStatus.CoordinatorNotAvailable, -1);
        }
        return (GroupStatus.Ok, registration.Leader);
    }

    private async ValueTask<GroupStatus> CreateTopicAsync(MetadataImage image, CancellationToken cancellationToken)
    {
        int live = image.Brokers.UnfencedBrokerIds().Count;
        if (live == 0) return GroupStatus.CoordinatorNotAvailable;
        short configured = Options.OffsetsTopicReplicationFactor;
        short replicationFactor = (short)Math.Min(configured, live);
        var topic = new NewTopic(TopicName, Options.OffsetsTopicNumPartitions, replicationFactor,
            Configs: [new("cleanup.policy", "compact"), new("compression.type", "producer")]);
        IReadOnlyList<CreateTopicResult> results = await controller
            .CreateTopicsAsync([topic], validateOnly: false, cancellationToken).ConfigureAwait(false);
        ControllerStatus status = results[0].Status;
        if (status == ControllerStatus.Ok && replicationFactor < configured)
            logger.OffsetsTopicReplicationReduced(replicationFactor, configured, live);
        return status is ControllerStatus.Ok or ControllerStatus.TopicAlreadyExists
            ? GroupStatus.Ok
            : GroupStatus.CoordinatorNotAvailable;
    }

    public void OnMetadataUpdate(MetadataImage previous, MetadataImage image, MetadataDelta? delta)
    {
        if (!image.Topics.TryGetTopic(TopicName, out TopicImage? topic))
        {
            foreach (int partition in _shards.Keys) Unload(partition);
            return;
        }
        foreach (PartitionRegistration registration in topic.Partitions)
        {
            int index = registration.Partition;
            bool leading = replicas.TryGetPartition(TopicName, index, out Partition? partition)
                && partition!.State.IsLeader;
            if (!leading)
            {
                Unload(index);
                continue;
            }
            int epoch = partition!.State.LeaderEpoch;
            if (_shards.TryGetValue(index, out CoordinatorShard? current) && current.LeaderEpoch == epoch
                && ReferenceEquals(current.Partition, partition))
            {
                continue;
            }
            current?.Unload();
            var shard = new CoordinatorShard(partition, epoch, metadata, Options, Time, logger);
            _shards[index] = shard;
            shard.StartLoading();
        }
        foreach (int index in _shards.Keys)
        {
            if (index >= topic.PartitionCount) Unload(index);
        }
        HashSet<string>? deleted = null;
        foreach (TopicImage before in previous.Topics.All)
        {
            if (!image.Topics.TryGetTopic(before.Name, out TopicImage? now) || now.TopicId != before.TopicId)
                (deleted ??= new HashSet<string>(StringComparer.Ordinal)).Add(before.Name);
        }
        if (deleted is null || previous.Topics.Count == 0) return;
        foreach (CoordinatorShard shard in _shards.Values) shard.DeleteOffsetsOfTopics(deleted);
    }

    private void Unload(int partition)
    {
        if (!_shards.TryRemove(partition, out CoordinatorShard? shard)) return;
        shard.Unload();
        logger.PartitionUnloaded(partition);
    }

    /// <summary>Unloads every shard: the broker is stopping.</summary>
    public void Shutdown()
    {
        foreach (int partition in _shards.Keys)
        {
            if (_shards.TryRemove(partition, out CoordinatorShard? shard)) shard.Unload();
        }
    }
}
