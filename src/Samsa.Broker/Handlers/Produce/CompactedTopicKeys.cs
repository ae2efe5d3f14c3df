using Samsa.Protocol.Records;

namespace Samsa.Broker.Handlers;

// A compacted topic keeps the latest record of each key, so a record without a key has no place in it: Kafka refuses
// the batch with INVALID_RECORD and names each keyless record in RecordErrors. This is the one produce check that
// decodes records (decompressing if need be), and it runs only for topics whose cleanup.policy includes compact.
internal static class CompactedTopicKeys
{
    /// <summary>The most a compressed batch may inflate to while its keys are checked.</summary>
    private const int MaxDecompressedBytes = 64 << 20;

    /// <summary>
    /// Checks that every record of <paramref name="batch"/> has a key; otherwise fills the record errors and message
    /// of <paramref name="response"/> and returns the error code.
    /// </summary>
    public static ErrorCode Check(ReadOnlySpan<byte> batch, string topic, int partition,
        ProduceResponse.PartitionProduceResponse response)
    {
        try
        {
            using RecordBatchContent content = RecordBatch.ReadRecords(batch, MaxDecompressedBytes, verifyCrc: false);
            if (content.Header.IsControl) return ErrorCode.None;
            int index = 0;
            foreach (Record record in content)
            {
                if (record.IsKeyNull)
                {
                    response.RecordErrors.Add(new ProduceResponse.BatchIndexAndErrorMessage
                    {
                        BatchIndex = index,
                        BatchIndexErrorMessage = "Compacted topic cannot accept message without key.",
                    });
                }
                index++;
            }
        }
        catch (ProtocolException e)
        {
            response.ErrorMessage = $"the record batch cannot be read: {e.Message}";
            return ErrorCode.CorruptMessage;
        }
        if (response.RecordErrors.Count == 0) return ErrorCode.None;
        response.ErrorMessage =
            $"Compacted topic cannot accept message without key in topic partition {topic}-{partition}.";
        return ErrorCode.InvalidRecord;
    }
}
