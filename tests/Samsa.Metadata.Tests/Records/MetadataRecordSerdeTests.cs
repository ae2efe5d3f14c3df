using Samsa.Metadata.Records;
using Samsa.Protocol;

namespace Samsa.Metadata.Tests.Records;

public sealed class MetadataRecordSerdeTests
{
    private static readonly Guid TopicId = Guid.Parse("6f1c3b0e-9a57-4c1e-8d3a-2b6f0e4a7c11");

    public static TheoryData<IMetadataRecord> Records() =>
    [
        new ClusterIdRecord { ClusterId = "MkU3OEVBNTcwNTJENDM2Qk" },
        new RegisterBrokerRecord
        {
            BrokerId = 2,
            IncarnationId = Guid.Parse("0b7c2a4e-1f3d-4e5a-9c8b-7a6d5e4f3c2b"),
            BrokerEpoch = 17,
            Endpoints =
            [
                new() { Name = "PLAINTEXT", Host = "kafka2", Port = 9092, SecurityProtocol = 0 },
                new() { Name = "EXTERNAL", Host = "localhost", Port = 65535, SecurityProtocol = 1 },
            ],
            Rack = "rack-a",
            Fenced = true,
            LogDirs = [Guid.Parse("a3e1b2c4-d5f6-4789-8abc-def012345678")],
        },
        new RegisterBrokerRecord { BrokerId = 1, Endpoints = [], Rack = null, Fenced = false },
        new UnregisterBrokerRecord { BrokerId = 3, BrokerEpoch = 99 },
        new FenceBrokerRecord { BrokerId = 1, BrokerEpoch = 5 },
        new UnfenceBrokerRecord { BrokerId = 1, BrokerEpoch = 5 },
        new TopicRecord { Name = "cv_parsing", TopicId = TopicId },
        new PartitionRecord
        {
            PartitionId = 4, TopicId = TopicId, Replicas = [1, 2, 3], Isr = [1, 3], Leader = 3, LeaderEpoch = 7,
            PartitionEpoch = 12, Directories = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()],
        },
        new PartitionRecord { PartitionId = 0, TopicId = TopicId, Replicas = [1], Isr = [1], Leader = 1 },
        new PartitionRecord
        {
            PartitionId = 1, TopicId = TopicId, Replicas = [1, 2, 3], Isr = [], Leader = -1,
            EligibleLeaderReplicas = [2, 3], LastKnownElr = [1],
        },
        new PartitionChangeRecord { PartitionId = 2, TopicId = TopicId },
        new PartitionChangeRecord { PartitionId = 2, TopicId = TopicId, Isr = [2], Leader = -1 },
        new PartitionChangeRecord
        {
            PartitionId = 2, TopicId = TopicId, Isr = [], Leader = 2, Replicas = [2, 1], Directories = [],
        },
        new PartitionChangeRecord
        {
            PartitionId = 2, TopicId = TopicId, EligibleLeaderReplicas = [1], LastKnownElr = [],
        },
        new RemoveTopicRecord { TopicId = TopicId },
        new ConfigRecord { ResourceType = 2, ResourceName = "logs", Name = "retention.ms", Value = "3600000" },
        new ConfigRecord { ResourceType = 4, ResourceName = "", Name = "log.retention.ms", Value = null },
        new ProducerIdsRecord { BrokerId = 1, BrokerEpoch = 3, NextProducerId = 5000 },
    ];

    [Theory, MemberData(nameof(Records))]
    public void Record_round_trips_through_the_serde(IMetadataRecord record)
    {
        byte[] frame = MetadataRecordSerde.Serialize(record);

        Assert.Equal(MetadataRecordSerde.GetSize(record), frame.Length);
        Assert.Equal((short)record.RecordType, (short)(frame[0] << 8 | frame[1]));
        IMetadataRecord read = MetadataRecordSerde.Read(frame);
        Assert.Equal(record.GetType(), read.GetType());
        Assert.Equal(record, read);
        Assert.Equal(frame, MetadataRecordSerde.Serialize(read));
    }

    [Fact]
    public void Every_record_type_has_a_round_trip_case()
    {
        var covered = new HashSet<MetadataRecordType>();
        foreach (TheoryDataRow<IMetadataRecord> row in Records()) covered.Add(row.Data.RecordType);

        Assert.Equal(Enum.GetValues<MetadataRecordType>().Order(), covered.Order());
    }

    [Fact]
    public void Unchanged_fields_of_a_partition_change_are_absent()
    {
        var unchanged = new PartitionChangeRecord { PartitionId = 1, TopicId = TopicId };
        var leaderOnly = new PartitionChangeRecord { PartitionId = 1, TopicId = TopicId, Leader = 3 };

        // header 4 + partition 4 + uuid 16 + no tagged fields 1
        Assert.Equal(25, MetadataRecordSerde.Serialize(unchanged).Length);
        // ... + one tagged field: tag 1, size 1, int32 4
        Assert.Equal(31, MetadataRecordSerde.Serialize(leaderOnly).Length);
        Assert.Null(((PartitionChangeRecord)MetadataRecordSerde.Read(MetadataRecordSerde.Serialize(leaderOnly))).Isr);
    }

    [Fact]
    public void Eligible_leader_replicas_carry_the_tags_of_kafkas_records()
    {
        byte[] change = MetadataRecordSerde.Serialize(
            new PartitionChangeRecord { PartitionId = 1, TopicId = TopicId, EligibleLeaderReplicas = [3] });
        byte[] lastKnown = MetadataRecordSerde.Serialize(
            new PartitionChangeRecord { PartitionId = 1, TopicId = TopicId, LastKnownElr = [3] });
        byte[] partition = MetadataRecordSerde.Serialize(new PartitionRecord
        {
            PartitionId = 1, TopicId = TopicId, Replicas = [3], Isr = [], EligibleLeaderReplicas = [3],
            LastKnownElr = [3],
        });

        // header 4 + partition 4 + uuid 16, then one tagged field: its tag, size 5, the array [3]
        Assert.Equal([1, 6, 5, 2, 0, 0, 0, 3], change[24..]);
        Assert.Equal([1, 7, 5, 2, 0, 0, 0, 3], lastKnown[24..]);
        // ... replicas 5, isr 1, leader, leader epoch and partition epoch 12: then tags 1 and 2
        Assert.Equal([2, 1, 5, 2, 0, 0, 0, 3, 2, 5, 2, 0, 0, 0, 3], partition[(24 + 18)..]);
    }

    [Fact]
    public void Unknown_record_type_is_refused()
    {
        byte[] frame = MetadataRecordSerde.Serialize(new RemoveTopicRecord { TopicId = TopicId });
        frame[0] = 0x7F;

        Assert.Throws<ProtocolException>(() => MetadataRecordSerde.Read(frame));
    }

    [Fact]
    public void Newer_record_version_is_refused()
    {
        byte[] frame = MetadataRecordSerde.Serialize(new RemoveTopicRecord { TopicId = TopicId });
        frame[3] = 1;

        ProtocolException e = Assert.Throws<ProtocolException>(() => MetadataRecordSerde.Read(frame));
        Assert.Contains("version 1", e.Message, StringComparison.Ordinal);
    }

    [Theory, InlineData(0), InlineData(3), InlineData(10), InlineData(20)]
    public void Truncated_frame_is_refused(int length)
    {
        byte[] frame = MetadataRecordSerde.Serialize(new TopicRecord { Name = "emails", TopicId = TopicId });

        Assert.Throws<ProtocolException>(() => MetadataRecordSerde.Read(frame.AsMemory(0, length)));
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        byte[] frame = [.. MetadataRecordSerde.Serialize(new RemoveTopicRecord { TopicId = TopicId }), 0];

        Assert.Throws<ProtocolException>(() => MetadataRecordSerde.Read(frame));
    }
}
