using Samsa.Protocol;

namespace Samsa.Metadata.Records;

/// <summary>
/// A record of the metadata log: one of the generated types of <c>Records/Definitions</c>, which declare this
/// interface in <c>MetadataRecords.cs</c>.
/// </summary>
/// <remarks>Records are mutable message objects; once appended to the log or replayed into an image they are treated
/// as frozen and shared, so nobody may change them afterwards.</remarks>
public interface IMetadataRecord : IKafkaMessage
{
    /// <summary>The type id that frames the record on the log.</summary>
    MetadataRecordType RecordType { get; }

    /// <summary>The version this build of Samsa writes the record at: the highest it knows.</summary>
    short WriteVersion { get; }
}
