namespace Samsa.Metadata.Records;

// Each generated record takes its place in the metadata log here: its type id and the version Samsa writes. These are
// partial declarations of the generated classes, kept together so that adding a record is one line and the table is
// seen whole; MetadataRecordSerde reads the same ids back.

public sealed partial class ClusterIdRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.ClusterId;

    public short WriteVersion => HighestSupportedVersion;
}

public sealed partial class RegisterBrokerRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.RegisterBroker;

    public short WriteVersion => HighestSupportedVersion;
}

public sealed partial class UnregisterBrokerRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.UnregisterBroker;

    public short WriteVersion => HighestSupportedVersion;
}

public sealed partial class FenceBrokerRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.FenceBroker;

    public short WriteVersion => HighestSupportedVersion;
}

public sealed partial class UnfenceBrokerRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.UnfenceBroker;

    public short WriteVersion => HighestSupportedVersion;
}

public sealed partial class TopicRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.Topic;

    public short WriteVersion => HighestSupportedVersion;
}

public sealed partial class PartitionRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.Partition;

    public short WriteVersion => HighestSupportedVersion;
}

public sealed partial class PartitionChangeRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.PartitionChange;

    public short WriteVersion => HighestSupportedVersion;
}

public sealed partial class RemoveTopicRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.RemoveTopic;

    public short WriteVersion => HighestSupportedVersion;
}

public sealed partial class ConfigRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.Config;

    public short WriteVersion => HighestSupportedVersion;
}

public sealed partial class ProducerIdsRecord : IMetadataRecord
{
    public MetadataRecordType RecordType => MetadataRecordType.ProducerIds;

    public short WriteVersion => HighestSupportedVersion;
}
