using Samsa.Metadata.Image;
using Samsa.Metadata.Records;

namespace Samsa.Metadata.Tests.Image;

public sealed class MetadataImageTests
{
    private static readonly Guid LogsId = Guid.Parse("11111111-1111-4111-8111-111111111111");
    private static readonly Guid EmailsId = Guid.Parse("22222222-2222-4222-8222-222222222222");

    private static IMetadataRecord[] Brokers(params int[] ids) =>
    [
        .. ids.Select(id => new RegisterBrokerRecord
        {
            BrokerId = id,
            BrokerEpoch = id * 10,
            IncarnationId = Guid.NewGuid(),
            Endpoints = [new() { Name = "PLAINTEXT", Host = "b" + id, Port = 9092 }],
            Fenced = false,
        }),
    ];

    private static ConfigRecord BrokerDefault(string name, string? value) =>
        new() { ResourceType = 4, ResourceName = "", Name = name, Value = value };

    private static IMetadataRecord[] Topic(string name, Guid id, int partitions, params int[] replicas)
    {
        var records = new List<IMetadataRecord> { new TopicRecord { Name = name, TopicId = id } };
        for (int p = 0; p < partitions; p++)
        {
            records.Add(new PartitionRecord
            {
                PartitionId = p, TopicId = id, Replicas = [.. replicas], Isr = [.. replicas], Leader = replicas[0],
                LeaderEpoch = 0, PartitionEpoch = 0,
            });
        }
        return [.. records];
    }

    private static MetadataImage Build(params IMetadataRecord[][] batches)
    {
        MetadataImage image = MetadataImage.Empty;
        foreach (IMetadataRecord[] batch in batches) image = image.Apply(batch, image.Offset + batch.Length, 1);
        return image;
    }

    [Fact]
    public void Empty_image_has_nothing()
    {
        MetadataImage image = MetadataImage.Empty;

        Assert.True(image.IsEmpty);
        Assert.Equal(-1, image.Offset);
        Assert.Null(image.ClusterId);
        Assert.Equal(0, image.Topics.Count);
        Assert.False(image.Topics.TryGetTopic("logs", out _));
        Assert.Empty(image.ToRecords());
    }

    [Fact]
    public void Created_topic_is_found_by_name_and_by_id_with_its_partitions()
    {
        MetadataImage image = Build(Brokers(1, 2), Topic("logs", LogsId, 3, 2, 1));

        Assert.Equal(5, image.Offset);
        Assert.True(image.Topics.TryGetTopic("logs", out TopicImage? byName));
        Assert.True(image.Topics.TryGetTopic(LogsId, out TopicImage? byId));
        Assert.Same(byName, byId);
        Assert.Equal(3, byName.PartitionCount);
        Assert.Equal(2, byName.ReplicationFactor);
        Assert.True(image.Topics.TryGetPartition("logs", 2, out PartitionRegistration? p2));
        Assert.Equal(2, p2.Leader);
        Assert.Equal([2, 1], p2.Replicas);
        Assert.False(image.Topics.TryGetPartition("logs", 3, out _));
        Assert.False(byName.TryGetPartition(-1, out _));
    }

    [Fact]
    public void Hot_path_lookups_do_not_allocate()
    {
        MetadataImage image = Build(Brokers(1, 2), Topic("logs", LogsId, 3, 1, 2), Topic("emails", EmailsId, 1, 2));
        int leaders = Lookups(image); // builds the indexes and warms the code up

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) leaders += Lookups(image);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(1001 * 5, leaders);

        static int Lookups(MetadataImage image)
        {
            int sum = 0;
            if (image.Topics.TryGetPartition("logs", 2, out PartitionRegistration? p)) sum += p.Leader;
            if (image.Topics.TryGetTopic(EmailsId, out TopicImage? t) && t.TryGetPartition(0, out p)) sum += p.Leader;
            if (image.Brokers.TryGetBroker(2, out BrokerRegistration? b)) sum += b.BrokerId;
            return sum;
        }
    }

    [Fact]
    public void Deleted_topic_is_gone_with_its_configs()
    {
        MetadataImage image = Build(Brokers(1), Topic("logs", LogsId, 1, 1), Topic("emails", EmailsId, 1, 1),
            [new ConfigRecord { ResourceType = 2, ResourceName = "logs", Name = "retention.ms", Value = "1000" }]);
        Assert.True(image.Configs.TryGetValue(ConfigResource.ForTopic("logs"), "retention.ms", out _));

        image = image.Apply([new RemoveTopicRecord { TopicId = LogsId }], image.Offset + 1, 1);

        Assert.False(image.Topics.TryGetTopic("logs", out _));
        Assert.False(image.Topics.TryGetTopic(LogsId, out _));
        Assert.True(image.Topics.TryGetTopic("emails", out _));
        Assert.False(image.Configs.TryGetResource(ConfigResource.ForTopic("logs"), out _));
    }

    [Fact]
    public void Topic_deleted_and_created_again_in_one_batch_has_the_new_id_and_no_old_configs()
    {
        MetadataImage image = Build(Brokers(1), Topic("logs", LogsId, 2, 1),
            [new ConfigRecord { ResourceType = 2, ResourceName = "logs", Name = "retention.ms", Value = "1000" }]);
        var newId = Guid.NewGuid();

        IMetadataRecord[] recreate = [new RemoveTopicRecord { TopicId = LogsId }, .. Topic("logs", newId, 1, 1)];
        image = image.Apply(recreate, image.Offset + 3, 1);

        Assert.True(image.Topics.TryGetTopic("logs", out TopicImage? logs));
        Assert.Equal(newId, logs.TopicId);
        Assert.Equal(1, logs.PartitionCount);
        Assert.False(image.Topics.TryGetTopic(LogsId, out _));
        Assert.False(image.Configs.TryGetResource(ConfigResource.ForTopic("logs"), out _));
    }

    [Fact]
    public void Partition_change_replaces_what_it_carries_and_bumps_the_epochs()
    {
        MetadataImage image = Build(Brokers(1, 2, 3), Topic("logs", LogsId, 2, 1, 2, 3));

        MetadataImage shrunk = image.Apply(
            [new PartitionChangeRecord { TopicId = LogsId, PartitionId = 1, Isr = [1, 3] }], image.Offset + 1, 1);
        PartitionRegistration p = shrunk.Topics.ById[LogsId].Partitions[1];
        Assert.Equal([1, 3], p.Isr);
        Assert.Equal(1, p.Leader);
        Assert.Equal(0, p.LeaderEpoch);
        Assert.Equal(1, p.PartitionEpoch);

        MetadataImage moved = shrunk.Apply(
            [new PartitionChangeRecord { TopicId = LogsId, PartitionId = 1, Leader = 3, Isr = [3] }],
            shrunk.Offset + 1, 1);
        p = moved.Topics.ById[LogsId].Partitions[1];
        Assert.Equal(3, p.Leader);
        Assert.Equal([3], p.Isr);
        Assert.Equal(1, p.LeaderEpoch);
        Assert.Equal(2, p.PartitionEpoch);
        Assert.Equal([1, 2, 3], p.Replicas);
        Assert.Same(image.Topics.ById[LogsId].Partitions[0], moved.Topics.ById[LogsId].Partitions[0]);
    }

    [Fact]
    public void Partition_change_replaces_the_eligible_leader_replicas_it_carries()
    {
        MetadataImage image = Build(Brokers(1, 2, 3), Topic("logs", LogsId, 1, 1, 2, 3));

        MetadataImage leaderless = image.Apply(
            [
                new PartitionChangeRecord
                {
                    TopicId = LogsId, PartitionId = 0, Isr = [], Leader = -1, EligibleLeaderReplicas = [2, 3],
                    LastKnownElr = [1],
                },
            ], image.Offset + 1, 1);
        PartitionRegistration p = leaderless.Topics.ById[LogsId].Partitions[0];
        Assert.Empty(p.Isr);
        Assert.Equal([2, 3], p.Elr);
        Assert.Equal([1], p.LastKnownElr);

        MetadataImage isrOnly = leaderless.Apply(
            [new PartitionChangeRecord { TopicId = LogsId, PartitionId = 0, Isr = [2] }], leaderless.Offset + 1, 1);
        p = isrOnly.Topics.ById[LogsId].Partitions[0];
        Assert.Equal([2, 3], p.Elr);
        Assert.Equal([1], p.LastKnownElr);

        MetadataImage elected = isrOnly.Apply(
            [
                new PartitionChangeRecord
                {
                    TopicId = LogsId, PartitionId = 0, Leader = 2, EligibleLeaderReplicas = [3], LastKnownElr = [],
                },
            ], isrOnly.Offset + 1, 1);
        p = elected.Topics.ById[LogsId].Partitions[0];
        Assert.Equal([3], p.Elr);
        Assert.Empty(p.LastKnownElr);
        Assert.Equal(2, p.Leader);
    }

    [Fact]
    public void Applying_shares_everything_unchanged()
    {
        MetadataImage image = Build(Brokers(1), Topic("logs", LogsId, 1, 1), Topic("emails", EmailsId, 1, 1));

        MetadataImage next = image.Apply(
            [new PartitionChangeRecord { TopicId = LogsId, PartitionId = 0, Leader = -1 }], image.Offset + 1, 1);

        Assert.Same(image.Topics.ById[EmailsId], next.Topics.ById[EmailsId]);
        Assert.Same(image.Brokers, next.Brokers);
        Assert.Same(image.Configs, next.Configs);
        Assert.NotSame(image.Topics.ById[LogsId], next.Topics.ById[LogsId]);
        Assert.Equal(1, image.Topics.ById[LogsId].Partitions[0].Leader);
    }

    [Fact]
    public void Config_set_then_deleted_leaves_no_resource()
    {
        var broker = new ConfigResource(ConfigResourceType.Broker, "");
        MetadataImage image =
            Build([BrokerDefault("log.retention.ms", "5"), BrokerDefault("unclean.leader.election.enable", "true")]);
        Assert.True(image.Configs.TryGetValue(broker, "log.retention.ms", out string? value));
        Assert.Equal("5", value);

        image = image.Apply([BrokerDefault("log.retention.ms", null)], image.Offset + 1, 1);
        Assert.False(image.Configs.TryGetValue(broker, "log.retention.ms", out _));
        Assert.Single(image.Configs.Get(broker));

        image = image.Apply([BrokerDefault("unclean.leader.election.enable", null)], image.Offset + 1, 1);
        Assert.False(image.Configs.TryGetResource(broker, out _));
    }

    [Fact]
    public void Broker_registration_fence_unfence_and_unregister()
    {
        MetadataImage image = Build(Brokers(1, 2));
        Assert.True(image.Brokers.IsUnfenced(1));

        image = image.Apply([new FenceBrokerRecord { BrokerId = 1, BrokerEpoch = 10 }], image.Offset + 1, 1);
        Assert.True(image.Brokers.TryGetBroker(1, out BrokerRegistration? b1));
        Assert.True(b1.IsFenced);
        Assert.Equal([2], image.Brokers.UnfencedBrokerIds());

        image = image.Apply([new UnfenceBrokerRecord { BrokerId = 1, BrokerEpoch = 10 }], image.Offset + 1, 1);
        Assert.Equal([1, 2], image.Brokers.UnfencedBrokerIds());
        Assert.True(image.Brokers.TryGetBroker(2, out BrokerRegistration? b2));
        Assert.True(b2.TryGetEndpoint("PLAINTEXT", out BrokerEndpoint endpoint));
        Assert.Equal(new BrokerEndpoint("PLAINTEXT", "b2", 9092, 0), endpoint);

        image = image.Apply([new UnregisterBrokerRecord { BrokerId = 2, BrokerEpoch = 20 }], image.Offset + 1, 1);
        Assert.False(image.Brokers.TryGetBroker(2, out _));
        Assert.Equal(1, image.Brokers.Count);
    }

    [Fact]
    public void Delta_reports_what_changed()
    {
        MetadataImage image = Build(Brokers(1), Topic("logs", LogsId, 2, 1), Topic("emails", EmailsId, 1, 1));
        var delta = new MetadataDelta(image);

        delta.Replay(new PartitionChangeRecord { TopicId = LogsId, PartitionId = 1, Leader = -1 });
        delta.Replay(new RemoveTopicRecord { TopicId = EmailsId });
        foreach (IMetadataRecord r in Topic("cv_parsing", Guid.NewGuid(), 1, 1)) delta.Replay(r);
        delta.Replay(new FenceBrokerRecord { BrokerId = 1, BrokerEpoch = 10 });

        Assert.Equal(2, delta.TopicChanges.Count);
        TopicDelta logs = delta.TopicChanges[LogsId];
        Assert.False(logs.IsCreated);
        Assert.Equal([1], logs.PartitionChanges.Keys);
        Assert.Single(delta.TopicChanges.Values, t => t.IsCreated && t.Name == "cv_parsing");
        Assert.Equal("emails", Assert.Single(delta.DeletedTopics).Name);
        Assert.True(delta.BrokerChanges[1]!.IsFenced);
        Assert.Equal(2, delta.Apply(image.Offset + 5, 2).Topics.Count);
    }

    [Fact]
    public void Records_that_contradict_the_image_throw()
    {
        MetadataImage image = Build(Brokers(1), Topic("logs", LogsId, 1, 1));

        Assert.Throws<InvalidDataException>(() => image.Apply(
            [new PartitionChangeRecord { TopicId = Guid.NewGuid(), PartitionId = 0, Leader = 1 }], 9, 1));
        Assert.Throws<InvalidDataException>(() => image.Apply(
            [new PartitionChangeRecord { TopicId = LogsId, PartitionId = 5, Leader = 1 }], 9, 1));
        Assert.Throws<InvalidDataException>(() => image.Apply(Topic("logs", Guid.NewGuid(), 1, 1), 9, 1));
        Assert.Throws<InvalidDataException>(() =>
            image.Apply([new FenceBrokerRecord { BrokerId = 1, BrokerEpoch = 11 }], 9, 1));
        Assert.Throws<InvalidDataException>(() => image.Apply([new RemoveTopicRecord { TopicId = EmailsId }], 9, 1));
        Assert.Throws<InvalidDataException>(() => image.Apply(
            [new PartitionRecord { TopicId = LogsId, PartitionId = 2, Replicas = [1], Isr = [1], Leader = 1 }], 9, 1));
        MetadataImage named = image.Apply([new ClusterIdRecord { ClusterId = "a" }], 9, 1);
        Assert.Throws<InvalidDataException>(() => named.Apply([new ClusterIdRecord { ClusterId = "b" }], 10, 1));
    }

    [Fact]
    public void Producer_ids_only_move_forward()
    {
        MetadataImage image = Build([new ProducerIdsRecord { BrokerId = 1, NextProducerId = 1000 }]);
        Assert.Equal(1000, image.ProducerIds.NextProducerId);

        Assert.Throws<InvalidDataException>(() => image.Apply([new ProducerIdsRecord { NextProducerId = 999 }], 5, 1));
    }

    [Fact]
    public void ToRecords_rebuilds_an_equal_image()
    {
        MetadataImage image = Build(Brokers(3, 1, 2), [new ClusterIdRecord { ClusterId = "cluster" }],
            Topic("logs", LogsId, 3, 1, 2), Topic("emails", EmailsId, 1, 3),
            [
                new PartitionChangeRecord { TopicId = LogsId, PartitionId = 1, Isr = [2], Leader = 2 },
                new PartitionChangeRecord
                {
                    TopicId = LogsId, PartitionId = 2, Isr = [], Leader = -1, EligibleLeaderReplicas = [2],
                    LastKnownElr = [1],
                },
                new FenceBrokerRecord { BrokerId = 1, BrokerEpoch = 10 },
                new ConfigRecord { ResourceType = 2, ResourceName = "logs", Name = "retention.ms", Value = "1" },
                new ConfigRecord { ResourceType = 4, ResourceName = "", Name = "log.retention.ms", Value = "2" },
                new ProducerIdsRecord { BrokerId = 2, BrokerEpoch = 20, NextProducerId = 3000 },
            ]);

        IReadOnlyList<IMetadataRecord> snapshot = image.ToRecords();
        MetadataImage rebuilt = MetadataImage.Empty.Apply(snapshot, image.Offset, image.Epoch);

        Assert.Equal(snapshot, rebuilt.ToRecords());
        Assert.IsType<ClusterIdRecord>(snapshot[0]);
        Assert.Equal([1, 2, 3], snapshot.OfType<RegisterBrokerRecord>().Select(r => r.BrokerId));
        Assert.True(rebuilt.Brokers.TryGetBroker(1, out BrokerRegistration? b1) && b1.IsFenced);
        Assert.Equal(1, rebuilt.Topics.ById[LogsId].Partitions[1].LeaderEpoch);
        Assert.Equal([2], rebuilt.Topics.ById[LogsId].Partitions[2].Elr);
        Assert.Equal([1], rebuilt.Topics.ById[LogsId].Partitions[2].LastKnownElr);
        Assert.Empty(rebuilt.Topics.ById[LogsId].Partitions[0].Elr);
        Assert.Null(snapshot.OfType<PartitionRecord>().First().EligibleLeaderReplicas);
        Assert.Equal(3000, rebuilt.ProducerIds.NextProducerId);
    }
}
