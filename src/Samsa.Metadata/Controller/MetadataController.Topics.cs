namespace Samsa.Metadata.Controller;

// CreateTopics, DeleteTopics and CreatePartitions, with Kafka's rules and messages. Each topic of a request succeeds or
// fails on its own; the records of every topic that passes go into one batch.
public sealed partial class MetadataController
{
    /// <summary>Creates topics (Kafka's CreateTopics). In validate-only mode, checks everything and writes
    /// nothing.</summary>
    public async Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(IReadOnlyList<NewTopic> topics,
        bool validateOnly, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var results = new CreateTopicResult[topics.Count];
            if (!TryLead(out int epoch))
            {
                for (int i = 0; i < topics.Count; i++)
                {
                    results[i] = CreateTopicResult.Failed(topics[i].Name, ControllerStatus.NotController,
                        NotController.Message);
                }
                return results;
            }
            MetadataImage image = _loader.Current;
            var duplicates = Duplicates(topics, static t => t.Name);
            IReadOnlyList<int> unfenced = image.Brokers.UnfencedBrokerIds();
            var accepted = new List<string>();
            var records = new List<IMetadataRecord>();
            var takenIds = new HashSet<Guid>();
            for (int i = 0; i < topics.Count; i++)
            {
                NewTopic topic = topics[i];
                if (duplicates.Contains(topic.Name ?? ""))
                {
                    results[i] = CreateTopicResult.Failed(topic.Name!, ControllerStatus.InvalidRequest,
                        "Duplicate topic name.");
                    continue;
                }
                results[i] = BuildTopic(image, unfenced, topic, accepted, takenIds, records);
                if (results[i].Status == ControllerStatus.Ok) accepted.Add(results[i].Name);
            }
            if (accepted.Count == 0 || validateOnly)
            {
                if (validateOnly) StripTopicIds(results);
                return results;
            }
            (ControllerResult commit, _) = await CommitAsync(epoch, records, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < results.Length; i++)
            {
                CreateTopicResult r = results[i];
                if (r.Status != ControllerStatus.Ok) continue;
                if (!commit.IsOk) results[i] = CreateTopicResult.Failed(r.Name, commit.Status, commit.Message);
                else _logger.TopicCreated(r.Name, r.TopicId, r.NumPartitions, r.ReplicationFactor);
            }
            return results;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Deletes topics, by name or by id (Kafka's DeleteTopics); their partitions and configs go with
    /// them.</summary>
    public async Task<IReadOnlyList<DeleteTopicResult>> DeleteTopicsAsync(IReadOnlyList<TopicToDelete> topics,
        CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var results = new DeleteTopicResult[topics.Count];
            bool leading = TryLead(out int epoch);
            MetadataImage image = _loader.Current;
            var duplicateNames = Duplicates(topics, static t => t.Name);
            var duplicateIds = Duplicates(topics, static t => t.TopicId == Guid.Empty ? null : t.TopicId.ToString());
            var records = new List<IMetadataRecord>();
            var deleting = new HashSet<Guid>();
            for (int i = 0; i < topics.Count; i++)
            {
                TopicToDelete t = topics[i];
                results[i] = ResolveDeletion(image, t, leading, duplicateNames, duplicateIds, deleting);
                if (results[i].Status == ControllerStatus.Ok)
                    records.Add(new RemoveTopicRecord { TopicId = results[i].TopicId });
            }
            if (records.Count == 0) return results;
            (ControllerResult commit, _) = await CommitAsync(epoch, records, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < results.Length; i++)
            {
                DeleteTopicResult r = results[i];
                if (r.Status != ControllerStatus.Ok) continue;
                if (!commit.IsOk) results[i] = r with { Status = commit.Status, Message = commit.Message };
                else _logger.TopicDeleted(r.Name!, r.TopicId);
            }
            return results;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Adds partitions to topics (Kafka's CreatePartitions): counts only grow. Validate-only writes
    /// nothing.</summary>
    public async Task<IReadOnlyList<CreatePartitionsResult>> CreatePartitionsAsync(IReadOnlyList<NewPartitions> topics,
        bool validateOnly, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var results = new CreatePartitionsResult[topics.Count];
            if (!TryLead(out int epoch))
            {
                for (int i = 0; i < topics.Count; i++)
                    results[i] = new(topics[i].Name, ControllerStatus.NotController, NotController.Message);
                return results;
            }
            MetadataImage image = _loader.Current;
            var duplicates = Duplicates(topics, static t => t.Name);
            IReadOnlyList<int> unfenced = image.Brokers.UnfencedBrokerIds();
            var records = new List<IMetadataRecord>();
            var grown = new List<(string Topic, int Before, int After)>();
            for (int i = 0; i < topics.Count; i++)
            {
                NewPartitions request = topics[i];
                ControllerResult result = duplicates.Contains(request.Name ?? "")
                    ? new ControllerResult(ControllerStatus.InvalidRequest, "Duplicate topic name.")
                    : BuildPartitions(image, unfenced, request, records, grown);
                results[i] = new(request.Name!, result.Status, result.Message);
            }
            if (grown.Count == 0 || validateOnly) return results;
            (ControllerResult commit, _) = await CommitAsync(epoch, records, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < results.Length; i++)
            {
                if (results[i].Status == ControllerStatus.Ok && !commit.IsOk)
                    results[i] = results[i] with { Status = commit.Status, Message = commit.Message };
            }
            if (commit.IsOk)
            {
                foreach ((string topic, int before, int after) in grown)
                    _logger.PartitionsCreated(topic, before, after);
            }
            return results;
        }
        finally
        {
            _lock.Release();
        }
    }

    private CreateTopicResult BuildTopic(MetadataImage image, IReadOnlyList<int> unfenced, NewTopic topic,
        List<string> accepted, HashSet<Guid> takenIds, List<IMetadataRecord> records)
    {
        string name = topic.Name;
        if (!TopicName.TryValidate(name, out string? nameError))
            return CreateTopicResult.Failed(name ?? "", ControllerStatus.InvalidTopic, nameError);
        if (image.Topics.TryGetTopic(name, out _))
        {
            return CreateTopicResult.Failed(name, ControllerStatus.TopicAlreadyExists,
                $"Topic '{name}' already exists.");
        }
        if (FindCollision(image, accepted, name) is { } other)
        {
            return CreateTopicResult.Failed(name, ControllerStatus.InvalidTopic,
                $"Topic '{name}' collides with existing topic: {other}");
        }

        ControllerResult placed = AssignReplicas(image, unfenced, topic, out int[][] assignments);
        if (!placed.IsOk) return CreateTopicResult.Failed(name, placed.Status, placed.Message);
        ControllerResult configCheck = ValidateTopicConfigs(topic.Configs, out Dictionary<string, string> configs);
        if (!configCheck.IsOk) return CreateTopicResult.Failed(name, configCheck.Status, configCheck.Message);

        Guid topicId = NewTopicId(image, takenIds);
        records.Add(new TopicRecord { Name = name, TopicId = topicId });
        for (int p = 0; p < assignments.Length; p++) records.Add(NewPartitionRecord(image, topicId, p, assignments[p]));
        foreach ((string key, string value) in configs)
        {
            records.Add(new ConfigRecord
            {
                ResourceType = (sbyte)ConfigResourceType.Topic,
                ResourceName = name,
                Name = key,
                Value = value,
            });
        }
        return new CreateTopicResult(name, ControllerStatus.Ok, null, topicId, assignments.Length,
            (short)assignments[0].Length);
    }

    /// <summary>The replicas of each partition of a new topic: its manual assignment, checked, or a placement on
    /// the unfenced brokers of its partition count and replication factor (-1 for the defaults).</summary>
    private ControllerResult AssignReplicas(MetadataImage image, IReadOnlyList<int> unfenced, NewTopic topic,
        out int[][] assignments)
    {
        assignments = [];
        if (topic.Assignments is { Count: > 0 } manual)
        {
            if (topic.NumPartitions != -1)
            {
                return new ControllerResult(ControllerStatus.InvalidRequest,
                    "A manual partition assignment was specified, but numPartitions was not set to -1.");
            }
            if (topic.ReplicationFactor != -1)
            {
                return new ControllerResult(ControllerStatus.InvalidRequest,
                    "A manual partition assignment was specified, but replicationFactor was not set to -1.");
            }
            return ValidateManualAssignments(image, manual, out assignments);
        }
        int partitions = topic.NumPartitions == -1 ? Options.DefaultNumPartitions : topic.NumPartitions;
        int replicationFactor =
            topic.ReplicationFactor == -1 ? Options.DefaultReplicationFactor : topic.ReplicationFactor;
        if (partitions <= 0)
        {
            return new ControllerResult(ControllerStatus.InvalidPartitions,
                "Number of partitions was set to an invalid non-positive value.");
        }
        if (replicationFactor <= 0)
        {
            return new ControllerResult(ControllerStatus.InvalidReplicationFactor,
                "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        if (partitions > Options.MaxPartitionsPerRequest)
            return new ControllerResult(ControllerStatus.PolicyViolation, TooMany(partitions));
        if (replicationFactor > unfenced.Count)
        {
            return new ControllerResult(ControllerStatus.InvalidReplicationFactor,
                TooFewBrokers(replicationFactor, unfenced.Count));
        }
        assignments = ReplicaPlacer.Place(0, partitions, replicationFactor, unfenced, _random);
        return ControllerResult.Ok;
    }

    private ControllerResult ValidateTopicConfigs(IReadOnlyList<KeyValuePair<string, string?>>? requested,
        out Dictionary<string, string> configs)
    {
        configs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (requested is null) return ControllerResult.Ok;
        foreach ((string key, string? value) in requested)
        {
            if (value is null)
                return new(ControllerStatus.InvalidConfig, $"Null value not supported for topic configs: {key}");
            if (!configs.TryAdd(key, value))
                return new(ControllerStatus.InvalidRequest, $"Duplicate config name: {key}");
        }
        return _configValidator.TryValidate(ConfigResourceType.Topic, configs, out string? error)
            ? ControllerResult.Ok
            : new(ControllerStatus.InvalidConfig, error);
    }

    // Kafka's checks of a client's replica assignment, for CreateTopics.
    private static ControllerResult ValidateManualAssignments(MetadataImage image,
        IReadOnlyList<ReplicaAssignment> manual, out int[][] assignments)
    {
        assignments = [];
        var byIndex = new SortedDictionary<int, IReadOnlyList<int>>();
        foreach (ReplicaAssignment a in manual)
        {
            if (!byIndex.TryAdd(a.PartitionIndex, a.BrokerIds))
            {
                return new(ControllerStatus.InvalidReplicaAssignment,
                    $"The manual partition assignment includes partition {a.PartitionIndex} more than once.");
            }
        }
        int expected = 0;
        var result = new int[byIndex.Count][];
        foreach ((int index, IReadOnlyList<int> replicas) in byIndex)
        {
            if (index != expected)
            {
                return new(ControllerStatus.InvalidReplicaAssignment,
                    $"Partitions should be numbered consecutively from 0, but partition {expected} is missing.");
            }
            ControllerResult check = ValidateReplicas(image, index, replicas);
            if (!check.IsOk) return check;
            if (replicas.Count != byIndex[0].Count)
            {
                return new(ControllerStatus.InvalidReplicaAssignment,
                    "All partitions in the manual partition assignment must have the same number of replicas.");
            }
            result[index] = [.. replicas];
            expected++;
        }
        assignments = result;
        return ControllerResult.Ok;
    }

    private static ControllerResult ValidateReplicas(MetadataImage image, int partition, IReadOnlyList<int> replicas)
    {
        if (replicas.Count == 0)
        {
            return new(ControllerStatus.InvalidReplicaAssignment,
                $"The manual partition assignment includes an empty replica list for partition {partition}.");
        }
        bool anyUnfenced = false;
        for (int i = 0; i < replicas.Count; i++)
        {
            int broker = replicas[i];
            for (int j = 0; j < i; j++)
            {
                if (replicas[j] == broker)
                {
                    return new(ControllerStatus.InvalidReplicaAssignment,
                        $"The manual partition assignment includes the broker {broker} more than once.");
                }
            }
            if (!image.Brokers.TryGetBroker(broker, out BrokerRegistration? registration))
            {
                return new(ControllerStatus.InvalidReplicaAssignment,
                    $"The manual partition assignment includes broker {broker}, but no such broker is registered.");
            }
            anyUnfenced |= !registration.IsFenced;
        }
        if (!anyUnfenced)
        {
            return new(ControllerStatus.InvalidReplicaAssignment,
                $"All brokers specified in the manual partition assignment for partition {partition} are fenced.");
        }
        return ControllerResult.Ok;
    }

    // A new partition's ISR is its unfenced replicas, and its leader the first of them.
    private static PartitionRecord NewPartitionRecord(MetadataImage image, Guid topicId, int partition, int[] replicas)
    {
        var isr = new List<int>(replicas.Length);
        foreach (int broker in replicas)
        {
            if (image.Brokers.IsUnfenced(broker)) isr.Add(broker);
        }
        return new PartitionRecord
        {
            PartitionId = partition,
            TopicId = topicId,
            Replicas = [.. replicas],
            Isr = isr,
            Leader = isr.Count > 0 ? isr[0] : PartitionRegistration.NoLeader,
            LeaderEpoch = 0,
            PartitionEpoch = 0,
        };
    }

    private ControllerResult BuildPartitions(MetadataImage image, IReadOnlyList<int> unfenced, NewPartitions request,
        List<IMetadataRecord> records, List<(string Topic, int Before, int After)> grown)
    {
        if (request.Name is null || !image.Topics.TryGetTopic(request.Name, out TopicImage? topic))
            return new(ControllerStatus.UnknownTopicOrPartition, $"Topic '{request.Name}' does not exist.");
        int current = topic.PartitionCount;
        if (request.Count < current)
        {
            return new(ControllerStatus.InvalidPartitions,
                $"Topic currently has {current} partitions, which is higher than the requested {request.Count}.");
        }
        if (request.Count == current)
            return new(ControllerStatus.InvalidPartitions, $"Topic already has {current} partitions.");
        int adding = request.Count - current;
        if (adding > Options.MaxPartitionsPerRequest)
        {
            return new(ControllerStatus.PolicyViolation, TooMany(adding));
        }
        int replicationFactor = topic.ReplicationFactor;
        int[][] assignments;
        if (request.Assignments is { } manual)
        {
            if (manual.Count != adding)
            {
                return new(ControllerStatus.InvalidReplicaAssignment,
                    $"Attempted to add {adding} additional partition(s), but only {manual.Count} assignment(s) " +
                    "were specified.");
            }
            assignments = new int[adding][];
            for (int i = 0; i < adding; i++)
            {
                ControllerResult check = ValidateReplicas(image, current + i, manual[i]);
                if (!check.IsOk) return check;
                if (manual[i].Count != replicationFactor)
                {
                    return new(ControllerStatus.InvalidReplicaAssignment,
                        "The manual partition assignment includes a partition with " +
                        $"{manual[i].Count} replica(s), but this is not consistent with previous partitions, " +
                        $"which have {replicationFactor} replica(s).");
                }
                assignments[i] = [.. manual[i]];
            }
        }
        else
        {
            if (replicationFactor > unfenced.Count)
                return new(ControllerStatus.InvalidReplicationFactor, TooFewBrokers(replicationFactor, unfenced.Count));
            // Continue the placement from where partition 0 started, as Kafka does.
            int startIndex = -1;
            for (int i = 0; i < unfenced.Count && topic.PartitionCount > 0; i++)
            {
                if (unfenced[i] == topic.Partitions[0].Replicas[0]) startIndex = i;
            }
            assignments = ReplicaPlacer.Place(current, adding, replicationFactor, unfenced, _random, startIndex);
        }
        for (int i = 0; i < adding; i++)
            records.Add(NewPartitionRecord(image, topic.TopicId, current + i, assignments[i]));
        grown.Add((topic.Name, current, request.Count));
        return ControllerResult.Ok;
    }

    private DeleteTopicResult ResolveDeletion(MetadataImage image, TopicToDelete t, bool leading,
        HashSet<string> duplicateNames, HashSet<string> duplicateIds, HashSet<Guid> deleting)
    {
        bool byName = t.Name is not null;
        if (byName && t.TopicId != Guid.Empty)
            return Invalid(t, "Both a topic name and a topic id were given.");
        if (!byName && t.TopicId == Guid.Empty)
            return Invalid(t, "Neither a topic name nor a topic id was given.");
        if (byName && duplicateNames.Contains(t.Name!)) return Invalid(t, "Duplicate topic name.");
        if (!byName && duplicateIds.Contains(t.TopicId.ToString())) return Invalid(t, "Duplicate topic id.");
        if (!leading) return new(t.Name, t.TopicId, ControllerStatus.NotController, NotController.Message);
        TopicImage? topic;
        if (byName)
        {
            if (!image.Topics.TryGetTopic(t.Name!, out topic))
            {
                return new(t.Name, Guid.Empty, ControllerStatus.UnknownTopicOrPartition,
                    "This server does not host this topic-partition.");
            }
        }
        else if (!image.Topics.TryGetTopic(t.TopicId, out topic))
        {
            return new(null, t.TopicId, ControllerStatus.UnknownTopicId, "This server does not host this topic ID.");
        }
        if (!Options.DeleteTopicEnable)
        {
            return new(topic.Name, topic.TopicId, ControllerStatus.TopicDeletionDisabled,
                "Topic deletion is disabled.");
        }
        if (!deleting.Add(topic.TopicId))
            return Invalid(new TopicToDelete(topic.Name, topic.TopicId), "The topic is named twice, by name and id.");
        return new(topic.Name, topic.TopicId, ControllerStatus.Ok, null);
    }

    private static DeleteTopicResult Invalid(TopicToDelete t, string message) =>
        new(t.Name, t.TopicId, ControllerStatus.InvalidRequest, message);

    private static string? FindCollision(MetadataImage image, List<string> accepted, string name)
    {
        if (!TopicName.HasCollisionChars(name)) return null;
        foreach (string other in accepted)
        {
            if (TopicName.Collide(name, other)) return other;
        }
        // O(topics); Kafka keeps an index of names with '.' or '_' instead. Topic creation is rare enough not to care.
        foreach (TopicImage other in image.Topics.All)
        {
            if (TopicName.Collide(name, other.Name)) return other.Name;
        }
        return null;
    }

    // A random version-4 id (so never zero, nor Kafka's reserved metadata topic id ...0001) that is not in use and
    // whose base64 form does not start with '-' (it would read as a command-line flag), as Kafka's Uuid.randomUuid
    // ensures.
    private Guid NewTopicId(MetadataImage image, HashSet<Guid> taken)
    {
        Span<byte> bytes = stackalloc byte[16];
        while (true)
        {
            _random.NextBytes(bytes);
            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            var id = new Guid(bytes, bigEndian: true);
            if ((bytes[0] >> 2) == 62 || image.Topics.TryGetTopic(id, out _)) continue;
            if (taken.Add(id)) return id;
        }
    }

    private string TooMany(int partitions) =>
        $"Unable to create {partitions} partitions at once: the limit is {Options.MaxPartitionsPerRequest}.";

    private static string TooFewBrokers(int replicationFactor, int brokers) =>
        $"Unable to replicate the partition {replicationFactor} time(s): The target replication factor of " +
        $"{replicationFactor} cannot be reached because only {brokers} broker(s) are registered.";

    private static HashSet<string> Duplicates<T>(IReadOnlyList<T> items, Func<T, string?> key)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        foreach (T item in items)
        {
            if (key(item) is { } k && !seen.Add(k)) duplicates.Add(k);
        }
        return duplicates;
    }

    private static void StripTopicIds(CreateTopicResult[] results)
    {
        for (int i = 0; i < results.Length; i++)
        {
            if (results[i].Status == ControllerStatus.Ok) results[i] = results[i] with { TopicId = Guid.Empty };
        }
    }
}
