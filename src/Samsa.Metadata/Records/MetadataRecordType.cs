namespace Samsa.Metadata.Records;

/// <summary>
/// The type id that frames each record on the metadata log. Records Kafka also has keep Kafka's numbers; records
/// only Samsa has start at 100.
/// </summary>
public enum MetadataRecordType : short
{
    /// <summary><see cref="RegisterBrokerRecord"/>.</summary>
    RegisterBroker = 0,

    /// <summary><see cref="UnregisterBrokerRecord"/>.</summary>
    UnregisterBroker = 1,

    /// <summary><see cref="TopicRecord"/>.</summary>
    Topic = 2,

    /// <summary><see cref="PartitionRecord"/>.</summary>
    Partition = 3,

    /// <summary><see cref="ConfigRecord"/>.</summary>
    Config = 4,

    /// <summary><see cref="PartitionChangeRecord"/>.</summary>
    PartitionChange = 5,

    /// <summary><see cref="FenceBrokerRecord"/>.</summary>
    FenceBroker = 7,

    /// <summary><see cref="UnfenceBrokerRecord"/>.</summary>
    UnfenceBroker = 8,

    /// <summary><see cref="RemoveTopicRecord"/>.</summary>
    RemoveTopic = 9,

    /// <summary><see cref="ProducerIdsRecord"/>.</summary>
    ProducerIds = 15,

    /// <summary><see cref="ClusterIdRecord"/> (Samsa only).</summary>
    ClusterId = 100,
}
