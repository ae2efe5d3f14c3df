using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Samsa.Metadata.Configs;
using Samsa.Metadata.Image;
using Samsa.Storage;

namespace Samsa.Broker.Replication;

/// <summary>
/// Keeps this broker's replicas in step with the metadata image: opens a log for each partition assigned here,
/// records whether this broker leads it, applies topic config changes, and deletes the logs of deleted topics.
/// </summary>
/// <remarks>
/// <see cref="OnMetadataUpdate"/> runs on the metadata delivery thread, one image at a time; request threads look
/// partitions up concurrently in a <see cref="ConcurrentDictionary{TKey, TValue}"/>. A log that cannot be opened
/// (its directory is offline) leaves the partition out, so requests for it get a storage error code.
/// </remarks>
internal sealed partial class ReplicaManager : IMetadataPublisher
{
    private readonly int _nodeId;
    private readonly LogManager _logs;
    private readonly BrokerConfigValues _brokerConfigs;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TopicPartition, Partition> _partitions = new();

    public ReplicaManager(int nodeId, LogManager logs, BrokerConfigValues brokerConfigs, ILogger logger)
    {
        _nodeId = nodeId;
        _logs = logs;
        _brokerConfigs = brokerConfigs;
        _logger = logger;
    }

    public int NodeId => _nodeId;

    public bool TryGetPartition(string topic, int partition, out Partition? result) =>
        _partitions.TryGetValue(new TopicPartition(topic, partition), out result);

    public IEnumerable<Partition> Partitions => _partitions.Values;

    /// <summary>The topic configuration in effect for <paramref name="topic"/> in <paramref name="image"/>.</summary>
    public EffectiveTopicConfig TopicConfig(MetadataImage image, string topic) =>
        EffectiveTopicConfig.Resolve(image.Configs.Get(ConfigResource.ForTopic(topic)), _brokerConfigs);

    public void OnMetadataUpdate(MetadataImage previous, MetadataImage image, MetadataDelta? delta)
    {
        // Deleted or replaced topics first: a topic re-created under the same name gets a new id and a fresh log.
        foreach ((TopicPartition tp, Partition partition) in _partitions)
        {
            if (image.Topics.TryGetTopic(tp.Topic, out TopicImage? topic) && topic.TopicId == partition.TopicId
                && topic.TryGetPartition(tp.Partition, out PartitionRegistration? registration)
                && registration.IsReplica(_nodeId))
            {
                continue;
            }
            if (_partitions.TryRemove(tp, out _))
            {
                partition.FetchWatchers.Notify();
                _logs.DeleteLog(tp);
                Log.ReplicaRemoved(_logger, tp.Topic, tp.Partition);
            }
        }
        foreach (TopicImage topic in image.Topics.All)
        {
            EffectiveTopicConfig? config = null;
            foreach (PartitionRegistration registration in topic.Partitions)
            {
                if (!registration.IsReplica(_nodeId)) continue;
                config ??= TopicConfig(image, topic.Name);
                var state = new PartitionState(registration.Leader == _nodeId, registration.LeaderEpoch,
                    registration.Leader, [.. registration.Replicas], [.. registration.Isr], config);
                var tp = new TopicPartition(topic.Name, registration.Partition);
                if (_partitions.TryGetValue(tp, out Partition? existing))
                {
                    PartitionState old = existing.State;
                    if (!ReferenceEquals(old.Config.Log, config.Log) && old.Config.Log != config.Log)
                        existing.Log.UpdateOptions(config.Log);
                    existing.Update(state);
                    if (old.IsLeader != state.IsLeader || old.LeaderEpoch != state.LeaderEpoch)
                        existing.FetchWatchers.Notify();
                    continue;
                }
                if (_logs.GetOrCreateLog(tp, config.Log, out PartitionLog? log) != LogStatus.Ok || log is null)
                {
                    Log.ReplicaOffline(_logger, tp.Topic, tp.Partition);
                    continue;
                }
                _partitions[tp] = new Partition(tp, topic.TopicId, log, state);
                if (state.IsLeader)
                    Log.BecameLeader(_logger, tp.Topic, tp.Partition, state.LeaderEpoch, log.LogEndOffset);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4101, LogLevel.Information,
            "Leading {Topic}-{Partition} at leader epoch {LeaderEpoch}, log end offset {Offset}")]
        public static partial void BecameLeader(ILogger logger, string topic, int partition, int leaderEpoch, long offset);

        [LoggerMessage(4102, LogLevel.Information, "Removed the replica of {Topic}-{Partition} and its log")]
        public static partial void ReplicaRemoved(ILogger logger, string topic, int partition);

        [LoggerMessage(4103, LogLevel.Warning, "Cannot open the log of {Topic}-{Partition}: its log directory is offline")]
        public static partial void ReplicaOffline(ILogger logger, string topic, int partition);
    }
}
