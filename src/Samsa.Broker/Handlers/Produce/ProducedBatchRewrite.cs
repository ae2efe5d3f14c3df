using Samsa.Metadata.Configs;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using PartitionResponse = Samsa.Protocol.Messages.ProduceResponse.PartitionProduceResponse;

namespace Samsa.Broker.Handlers;

// A produced batch stays bytes unless it cannot be stored as it is, as Kafka's LogValidator decides:
// - the topic's compression.type names a codec (not producer) other than the batch's: the batch is rebuilt with that
//   codec, at the topic's level, into a buffer from RecordBuffers that the request returns after its append; every
//   header field but the codec bits and the max timestamp is kept, and the records section byte for byte, so an
//   idempotent producer's retry is still its duplicate;
// - under CreateTime, a max timestamp that cannot be right (-1, as Sarama 1.22 writes, or below the base timestamp:
//   see RecordBatch.IsMaxTimestampPlausible) would leave the batch out of the time index and ListOffsets by
//   timestamp, so the records are decoded, the true max stamped in place and the CRC recomputed.
// Either way the timestamp range check then uses the records' smallest and largest timestamps. Decoding is bounded
// by max.message.bytes: a batch whose records inflate past it is refused with MESSAGE_TOO_LARGE before anything
// larger is allocated (Kafka inflates without a bound), as is a rebuilt batch larger than it (as in Kafka).
internal static class ProducedBatchRewrite
{
    /// <summary>
    /// Rewrites the validated <paramref name="batch"/> when it must be (see above), in place or replaced by a rebuilt
    /// one whose array joins <paramref name="rented"/> (returned to <c>RecordBuffers</c> after the append), and gives
    /// the timestamps the range check uses: the records' smallest and largest when they were decoded, the header's
    /// base and max otherwise.
    /// </summary>
    /// <returns>NONE, or the error to answer with (MESSAGE_TOO_LARGE, CORRUPT_MESSAGE), its message set.</returns>
    public static ErrorCode Apply(ref Memory<byte> batch, in RecordBatchHeader header, EffectiveTopicConfig config,
        PartitionResponse response, ref List<byte[]>? rented, out long minTimestamp, out long maxTimestamp)
    {
        minTimestamp = header.BaseTimestamp;
        maxTimestamp = header.MaxTimestamp;
        if (config.Compression is { } codec && codec != header.Compression)
            return Recompress(ref batch, codec, config, response, ref rented, out minTimestamp, out maxTimestamp);
        if (config.Log.MessageTimestampType != TimestampType.CreateTime || RecordBatch.IsMaxTimestampPlausible(header))
            return ErrorCode.None;
        RecordBatchRewriteStatus status = RecordBatch.TryStampMaxTimestamp(batch.Span, config.MaxMessageBytes,
            out minTimestamp, out maxTimestamp);
        return ToError(status, config, response);
    }

    private static ErrorCode Recompress(ref Memory<byte> batch, CompressionType codec, EffectiveTopicConfig config,
        PartitionResponse response, ref List<byte[]>? rented, out long minTimestamp, out long maxTimestamp)
    {
        var output = new RecordBufferWriter();
        RecordBatchRewriteStatus status = RecordBatch.TryRecompress(batch.Span, codec, config.CompressionLevel,
            config.MaxMessageBytes, output, out minTimestamp, out maxTimestamp);
        if (status != RecordBatchRewriteStatus.Ok)
        {
            output.Dispose();
            return ToError(status, config, response);
        }
        int length = output.WrittenCount;
        byte[] rebuilt = output.Detach();
        (rented ??= []).Add(rebuilt);
        batch = rebuilt.AsMemory(0, length);
        return ErrorCode.None;
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
            case RecordBatchRewriteStatus.BatchTooLarge:
                response.ErrorMessage = "recompressed with the topic's compression.type, the batch is larger than " +
                    "max.message.bytes=" + config.MaxMessageBytes;
                return ErrorCode.MessageTooLarge;
            default:
                response.ErrorMessage = "the batch's records cannot be read";
                return ErrorCode.CorruptMessage;
        }
    }
}
