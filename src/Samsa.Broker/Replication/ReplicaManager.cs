using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Handlers;
using Samsa.Metadata.Configs;

namespace Samsa.Broker.Replication;

/// <summary>
/// Keeps this broker's replicas in step with the metadata image: opens a log for each partition assigned here,
/// records whether this broker leads it, applies topic and dynamic broker config changes, and deletes the logs of
/// deleted topics.
/// </summary>
/// <remarks>
/// <see cref="OnMetadataUpdate"/> runs on the metadata delivery thread, one image at a time, and visits only the
/// topics a delta touches (all of them when the broker-level configs every topic falls back to change); request
/// threads look partitions up concurrently in a <see cref="ConcurrentDictionary{TKey, TValue}"/>. A log that cannot
/// be opened (its directory is offline) leaves the partition out, so requests for it get a storage error code.
/// </remarks>
internal sealed partial class ReplicaManager : IMetadataPublisher, IDisposable
{
    private readonly int _nodeId;
    private readonly LogManager _logs;
    private readonly IReadOnlyDictionary<string, string> _staticValues;
    private readonly ConfigResource _brokerResource;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TopicPartition, Partition> _partitions = new();
    private readonly TimeProvider _time;
    private readonly IsrUpdater? _isrUpdater;
    // The high watermarks found at start-up: where a partition opened later starts (clamped to its log). Read-only.
    private readonly Dictionary<TopicPartition, long> _checkpointedHighWatermarks;
    // What the checkpoint job last wrote per directory, so an unchanged file is not rewritten.
    private readonly Dictionary<LogDirectory, Dictionary<TopicPartition, long>> _lastWritten = [];
    private BrokerConfigValues _brokerConfigs;

    /// <param name="nodeId">This broker.</param>
    /// <param name="logs">The logs of its replicas.</param>
    /// <param name="brokerConfigs">Its static and dynamic configs.</param>
    /// <param name="logger">Where replica events go.</param>
    /// <param name="time">The clock followers' lag is measured with.</param>
    /// <param name="isrUpdater">Where leaders send ISR changes; null: the ISR never changes (a single broker).</param>
    public ReplicaManager(int nodeId, LogManager logs, BrokerConfigValues brokerConfigs, ILogger logger,
        TimeProvider? time = null, IsrUpdater? isrUpdater = null)
    {
        _nodeId = nodeId;
        _logs = logs;
        _staticValues = brokerConfigs.Static;
        _brokerResource = ConfigResources.ForBroker(nodeId);
        _brokerConfigs = brokerConfigs;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _isrUpdater = isrUpdater;
        _checkpointedHighWatermarks = [];
        foreach (LogDirectory directory in logs.LogDirectories)
        {
            foreach ((TopicPartition tp, long offset) in directory.ReadHighWatermarks())
                _checkpointedHighWatermarks[tp] = offset;
        }
        _logs.LogDirectoryOffline += OnLogDirectoryOffline;
    }

    public int NodeId => _nodeId;

    public bool TryGetPartition(string topic, int partition, out Partition? result) =>
        _partitions.TryGetValue(new TopicPartition(topic, partition), out result);

    public bool TryGetPartition(TopicPartition topicPartition, out Partition? result) =>
        _partitions.TryGetValue(topicPartition, out result);

    public IEnumerable<Partition> Partitions => _partitions.Values;

    public void OnMetadataUpdate(MetadataImage previous, MetadataImage image, MetadataDelta? delta)
    {
        if (_isrUpdater is not null && image.Brokers.TryGetBroker(_nodeId, out BrokerRegistration? self))
            _isrUpdater.BrokerEpoch = self.BrokerEpoch;
        bool brokerConfigsChanged = delta is null
            || delta.ConfigChanges.Any(r => r.IsBrokerDefault || r == _brokerResource);
        if (brokerConfigsChanged) _brokerConfigs = ConfigResources.BrokerLayers(image, _nodeId, _staticValues);
        if (delta is null || brokerConfigsChanged)
        {
            RemoveReplicasNotIn(image, _partitions.Keys);
            foreach (TopicImage topic in image.Topics.All)
                ApplyTopic(image, topic);
            return;
        }

        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (TopicImage deleted in delta.DeletedTopics) touched.Add(deleted.Name);
        foreach (TopicDelta changed in delta.TopicChanges.Values) touched.Add(changed.Name);
        foreach (ConfigResource resource in delta.ConfigChanges)
        {
            if (resource.Type == ConfigResourceType.Topic) touched.Add(resource.Name);
        }
        if (touched.Count == 0) return;
        RemoveReplicasNotIn(image, _partitions.Keys.Where(tp => touched.Contains(tp.Topic)));
        foreach (string name in touched)
        {
            if (image.Topics.TryGetTopic(name, out TopicImage? topic)) ApplyTopic(image, topic);
        }
    }

    // Deleted or replaced topics first: a topic re-created under the same name gets a new id and a fresh log.
    private void RemoveReplicasNotIn(MetadataImage image, IEnumerable<TopicPartition> candidates)
    {
        foreach (TopicPartition tp in candidates.ToList())
        {
            if (!_partitions.TryGetValue(tp, out Partition? partition)) continue;
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
    }

    private void ApplyTopic(MetadataImage image, TopicImage topic)
    {
        EffectiveTopicConfig? config = null;
        foreach (PartitionRegistration registration in topic.Partitions)
        {
            if (!registration.IsReplica(_nodeId)) continue;
            config ??= EffectiveTopicConfig.Resolve(image.Configs.Get(ConfigResource.ForTopic(topic.Name)),
                _brokerConfigs);
            var state = new PartitionState(registration.Leader == _nodeId, registration.LeaderEpoch,
                registration.Leader, [.. registration.Replicas], [.. registration.Isr], config,
                registration.PartitionEpoch);
            var tp = new TopicPartition(topic.Name, registration.Partition);
            if (_partitions.TryGetValue(tp, out Partition? existing))
            {
                PartitionState old = existing.State;
                if (!ReferenceEquals(old.Config.Log, config.Log) && old.Config.Log != config.Log)
                    existing.Log.UpdateOptions(config.Log);
                existing.Update(state);
                if (old.IsLeader != state.IsLeader || old.LeaderEpoch != state.LeaderEpoch)
                    existing.FetchWatchers.Notify();
                if (old.Leader != state.Leader) LogLeadership(tp, state, existing.Log.LogEndOffset);
                continue;
            }
            if (_logs.GetOrCreateLog(tp, config.Log, out PartitionLog? log) != LogStatus.Ok || log is null)
            {
                Log.ReplicaOffline(_logger, tp.Topic, tp.Partition);
                continue;
            }
            long highWatermark = _checkpointedHighWatermarks.GetValueOrDefault(tp, 0);
            _partitions[tp] = new Partition(_nodeId, tp, topic.TopicId, log, state, highWatermark, _time, _isrUpdater);
            LogLeadership(tp, state, log.LogEndOffset);
        }
    }

    private void LogLeadership(TopicPartition tp, PartitionState state, long logEnd)
    {
        if (state.IsLeader) Log.BecameLeader(_logger, tp.Topic, tp.Partition, state.LeaderEpoch, logEnd);
        else if (state.Leader >= 0)
            Log.Following(_logger, tp.Topic, tp.Partition, state.Leader, state.LeaderEpoch, logEnd);
        else Log.Leaderless(_logger, tp.Topic, tp.Partition, state.LeaderEpoch);
    }

    /// <summary>Proposes to drop, from the ISR of every partition this broker leads, the followers that have not
    /// caught up within <paramref name="maxLag"/> (<c>replica.lag.time.max.ms</c>).</summary>
    public void ShrinkIsrs(TimeSpan maxLag)
    {
        foreach (Partition partition in _partitions.Values)
        {
            if (partition.State.IsLeader) partition.MaybeShrinkIsr(maxLag);
        }
    }

    /// <summary>Writes every partition's high watermark to its log dir's <c>replication-offset-checkpoint</c>, so a
    /// restarted broker starts from what was visible rather than from zero; a directory whose figures have not
    /// changed since the last write is left alone (an idle broker does not rewrite and sync it every few
    /// seconds).</summary>
    public void CheckpointHighWatermarks()
    {
        var byDirectory = new Dictionary<LogDirectory, Dictionary<TopicPartition, long>>();
        foreach (Partition partition in _partitions.Values)
        {
            LogDirectory directory = partition.Log.Directory;
            if (!byDirectory.TryGetValue(directory, out Dictionary<TopicPartition, long>? offsets))
                byDirectory[directory] = offsets = [];
            offsets[partition.TopicPartition] = partition.HighWatermark;
        }
        lock (_lastWritten)
        {
            foreach (LogDirectory directory in _logs.LogDirectories)
            {
                Dictionary<TopicPartition, long> offsets = byDirectory.GetValueOrDefault(directory) ?? [];
                if (_lastWritten.TryGetValue(directory, out Dictionary<TopicPartition, long>? last)
                    && last.Count == offsets.Count && offsets.All(e => last.GetValueOrDefault(e.Key, -1) == e.Value))
                    continue;
                if (directory.WriteHighWatermarks(offsets)) _lastWritten[directory] = offsets;
            }
        }
    }

    // A directory went offline after an I/O error: its logs refuse every read and append from now on. Fetches parked
    // on them are woken so they answer with the storage error now rather than at their deadline. (With replication,
    // the controller is told so that leadership moves to replicas on healthy disks.)
    private void OnLogDirectoryOffline(object? sender, LogDirectoryOfflineEventArgs args)
    {
        int affected = 0;
        foreach (Partition partition in _partitions.Values)
        {
            if (!partition.Log.IsOffline) continue;
            affected++;
            partition.FetchWatchers.Notify();
        }
        Log.DirectoryOffline(_logger, args.Directory.Path, args.Operation, affected, args.Exception);
    }

    public void Dispose() => _logs.LogDirectoryOffline -= OnLogDirectoryOffline;

    private static partial class Log
    {
        [LoggerMessage(4101, LogLevel.Information,
            "Leading {Topic}-{Partition} at leader epoch {LeaderEpoch}, log end offset {Offset}")]
        public static partial void BecameLeader(ILogger logger, string topic, int partition, int leaderEpoch,
            long offset);

        [LoggerMessage(4105, LogLevel.Information,
            "Following leader {Leader} for {Topic}-{Partition} at leader epoch {LeaderEpoch}, log end offset {Offset}")]
        public static partial void Following(ILogger logger, string topic, int partition, int leader,
            int leaderEpoch, long offset);

        [LoggerMessage(4106, LogLevel.Warning,
            "{Topic}-{Partition} has no leader at leader epoch {LeaderEpoch}: no eligible replica is available")]
        public static partial void Leaderless(ILogger logger, string topic, int partition, int leaderEpoch);

        [LoggerMessage(4102, LogLevel.Information, "Removed the replica of {Topic}-{Partition} and its log")]
        public static partial void ReplicaRemoved(ILogger logger, string topic, int partition);

        [LoggerMessage(4103, LogLevel.Warning,
            "Cannot open the log of {Topic}-{Partition}: its log directory is offline")]
        public static partial void ReplicaOffline(ILogger logger, string topic, int partition);

        [LoggerMessage(4104, LogLevel.Error,
            "Log directory {Path} went offline while {Operation}: {Partitions} partitions here now answer "
            + "KAFKA_STORAGE_ERROR")]
        public static partial void DirectoryOffline(ILogger logger, string path, string operation, int partitions,
            Exception exception);
    }
}
