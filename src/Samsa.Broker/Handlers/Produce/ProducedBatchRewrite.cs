using Samsa.Metadata.Configs;
using Samsa.Protocol;
using Samsa.Protocol.Records;
using PartitionResponse = Samsa.Protocol.Messages.ProduceResponse.PartitionProduceResponse;

namespace Samsa.Broker.Handlers;

// A produced batch stays bytes unless its header cannot be stored as it is, as Kafka's LogValidator decides. Under
// CreateTime a max timestamp that cannot be right (-1, as Sarama 1.22 writes, or below the base timestamp: see
// RecordBatch.IsMaxTimestampPlausible) would leave the batch out of the time index and ListOffsets by timestamp, so
// the records are decoded, the true max stamped in place and the CRC recomputed; the timestamp range check then
// uses the records' smallest and largest timestamps. Decoding is bounded by max.message.bytes: a batch whose
// records inflate past it is refused with MESSAGE_TOO_LARGE before anything larger is allocated (Kafka inflates
// without a bound).
internal static class ProducedBatchRewrite
{
    /// <summary>
    /// Rewrites <paramref name="batch"/> when it must be (see above) and gives the timestamps the range check uses:
    /// the records' smallest and largest when they were decoded, the header's base and max otherwise.
    /// </summary>
    /// <returns>NONE, or the error to answer with (MESSAGE_TOO_LARGE, CORRUPT_MESSAGE), its message set.</returns>
    public static ErrorCode Apply(Memory<byte> batch, in RecordBatchHeader header, EffectiveTopicConfig config,
        PartitionResponse response, out long minTimestamp, out long maxTimestamp)
    {
        minTimestamp = header.BaseTimestamp;
        maxTimestamp = header.MaxTimestamp;
        if (config.Log.MessageTimestampType != TimestampType.CreateTime || RecordBatch.IsMaxTimestampPlausible(header))
            return ErrorCode.None;
        RecordBatchRewriteStatus status = RecordBatch.TryStampMaxTimestamp(batch.Span, config.MaxMessageBytes,
            out minTimestamp, out maxTimestamp);
        return ToError(status, config, response);
    }

    private static ErrorCode ToError(RecordBatchRewriteStatus status, EffectiveTopicConfig config,
        PartitionResponse response)
    {
        switch (status)
        {
            case RecordBatchRewriteStatus.Ok:
                return ErrorCode.None;
            case RecordBatchRewriteStatus.RecordsTooLarge:
                response.ErrorMessage = "the batch's records decompress to more than max.message.bytes=" +
                    config.MaxMessageBytes;
                return ErrorCode.MessageTooLarge;
            default:
                response.ErrorMessage = "the batch's records cannot be read";
                return ErrorCode.CorruptMessage;
        }
    }
}
