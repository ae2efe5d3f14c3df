using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Network;
using Samsa.Broker.Purgatory;
using Samsa.Metadata.Configs;
using Samsa.Protocol.Records;
using PartitionResponse = Samsa.Protocol.Messages.ProduceResponse.PartitionProduceResponse;

namespace Samsa.Broker.Handlers;

// Produce v3–11. Behaviour: each partition's records must be exactly one v2 batch (magic 0 and 1 refused) whose
// header and CRC check, no larger than max.message.bytes, with timestamps inside message.timestamp.before/after
// .max.ms under CreateTime, and every record keyed on a compacted topic. The batch stays bytes (the log stamps offsets
// and epoch and writes it) unless its max timestamp cannot be right or its codec is not the topic's compression.type:
// then it is decoded, bounded by max.message.bytes, and rewritten (ProducedBatchRewrite). An idempotent batch (a
// producer id) is checked against the partition's producer state under the log's lock: a retry of one of the
// producer's last five batches gets NONE and the original base offset, a gap OUT_OF_ORDER_SEQUENCE_NUMBER, an old
// epoch INVALID_PRODUCER_EPOCH. Transactional batches get INVALID_TXN_STATE (transactions are not served) and control
// batches INVALID_RECORD, as from any client. acks=0 sends no response, but a failed partition closes the
// connection, as Kafka does; acks=1 answers after the leader's append, acks=all after the ISR holds it and refuses
// below min.insync.replicas. Version notes: v3 first with batch v2 only; v8 adds record errors; v9 first flexible.
[ApiHandler(ApiKey.Produce, MinVersion = 3, MaxVersion = 11)]
internal sealed class ProduceHandler(ReplicaManager replicas, MetadataLoader metadata, TimeProvider time,
    ILogger? logger = null) : ApiHandler<ProduceRequest, ProduceResponse>
{
    protected override ValueTask<ProduceResponse?> HandleAsync(RequestContext context, ProduceRequest request,
        CancellationToken cancellationToken)
    {
        ValueTask<ProduceResponse?> answer = Produce(request);
        if (context.ApiVersion < 10) return answer;
        if (!answer.IsCompletedSuccessfully) return WithLeaderHintsAsync(answer, context.ListenerName);
        if (answer.Result is { } done) LeaderHints.Add(done, metadata.Current, context.ListenerName);
        return answer;
    }

    private async ValueTask<ProduceResponse?> WithLeaderHintsAsync(ValueTask<ProduceResponse?> answer,
        string listener)
    {
        ProduceResponse? response = await answer.ConfigureAwait(false);
        if (response is not null) LeaderHints.Add(response, metadata.Current, listener);
        return response;
    }

    private ValueTask<ProduceResponse?> Produce(ProduceRequest request)
    {
        var response = new ProduceResponse();
        bool validAcks = request.Acks is -1 or 0 or 1;
        List<Appending>? pending = null;
        List<DelayedProduce.Waiting>? waiting = null;
        List<byte[]>? rented = null;
        foreach (ProduceRequest.TopicProduceData topic in request.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
            response.Responses.Add(topicResponse);
            foreach (ProduceRequest.PartitionProduceData data in topic.PartitionData)
            {
                var partitionResponse = new PartitionResponse { Index = data.Index, BaseOffset = -1 };
                topicResponse.PartitionResponses.Add(partitionResponse);
                if (!validAcks)
                {
                    partitionResponse.ErrorCode = (short)ErrorCode.InvalidRequiredAcks;
                    continue;
                }
                ErrorCode error = Validate(topic.Name, data, request.Acks, partitionResponse, out Partition? partition,
                    out Memory<byte> batch, ref rented);
                if (error != ErrorCode.None)
                {
                    partitionResponse.ErrorCode = (short)error;
                    continue;
                }
                var appending = new Appending(partitionResponse, partition!.AppendAsLeaderAsync(batch), partition,
                    partition.State.LeaderEpoch);
                if (appending.Append.IsCompletedSuccessfully)
                    Complete(appending, appending.Append.Result, request.Acks, ref waiting);
                else (pending ??= []).Add(appending);
            }
        }
        if (pending is null)
        {
            Return(rented);
            return waiting is null
                ? ValueTask.FromResult<ProduceResponse?>(response)
                : WaitForReplicas(request, response, waiting);
        }
        return CompleteAsync(request, response, pending, waiting, rented);
    }

    /// <summary>A partition's append in progress, with the leader epoch it was made under.</summary>
    private sealed record Appending(PartitionResponse Response, ValueTask<AppendResult> Append, Partition Partition,
        int LeaderEpoch);

    // acks=all: the answer waits until every in-sync replica holds the batches, or the request's timeout.
    private ValueTask<ProduceResponse?> WaitForReplicas(ProduceRequest request, ProduceResponse response,
        List<DelayedProduce.Waiting> waiting)
    {
        var delayed = new DelayedProduce(response, waiting, time,
            TimeSpan.FromMilliseconds(Math.Max(0, request.TimeoutMs)),
            logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        delayed.Start();
        return new ValueTask<ProduceResponse?>(delayed.Result);
    }

    // acks=0: no response. A failure closes the connection, as Kafka does, so the producer, which reads no answer,
    // notices, refreshes its metadata and reconnects.
    protected override IKafkaMessage? Reply(ProduceRequest request, ProduceResponse? response)
    {
        if (request.Acks != 0) return response;
        foreach (ProduceResponse.TopicProduceResponse topic in response!.Responses)
        {
            foreach (PartitionResponse partition in topic.PartitionResponses)
                if (partition.ErrorCode != 0) return CloseConnection.Instance;
        }
        return null;
    }

    private async ValueTask<ProduceResponse?> CompleteAsync(ProduceRequest request, ProduceResponse response,
        List<Appending> pending, List<DelayedProduce.Waiting>? waiting, List<byte[]>? rented)
    {
        try
        {
            foreach (Appending appending in pending)
                Complete(appending, await appending.Append.ConfigureAwait(false), request.Acks, ref waiting);
        }
        finally
        {
            Return(rented);
        }
        return waiting is null ? response : await WaitForReplicas(request, response, waiting).ConfigureAwait(false);
    }

    private static void Return(List<byte[]>? rented)
    {
        if (rented is null) return;
        foreach (byte[] buffer in rented) RecordBuffers.Return(buffer);
    }

    private static void Complete(Appending appending, AppendResult result, short acks,
        ref List<DelayedProduce.Waiting>? waiting)
    {
        PartitionResponse response = appending.Response;
        response.ErrorCode = (short)ErrorMapping.ToErrorCode(result.Status);
        if (result.Status != AppendStatus.Ok) return;
        response.BaseOffset = result.FirstOffset;
        response.LogAppendTimeMs = result.LogAppendTime;
        response.LogStartOffset = appending.Partition.Log.LogStartOffset;
        if (acks != -1) return;
        long required = result.LastOffset + 1;
        ErrorCode? replicated = appending.Partition.ReplicationStatus(required, appending.LeaderEpoch);
        if (replicated == ErrorCode.None) return;
        (waiting ??= []).Add(new DelayedProduce.Waiting(response, appending.Partition, required,
            appending.LeaderEpoch));
    }

    // The checks Kafka's LogValidator makes, on the header alone unless the batch must be rewritten (recompressed to
    // the topic's compression.type, or a max timestamp that cannot be right): ProducedBatchRewrite.
    private ErrorCode Validate(string topic, ProduceRequest.PartitionProduceData data, short acks,
        PartitionResponse response, out Partition? partition, out Memory<byte> batch, ref List<byte[]>? rented)
    {
        batch = default;
        ErrorCode leader = LeaderLookup.Find(replicas, metadata.Current, topic, data.Index, LeaderLookup.AnyEpoch,
            out partition);
        if (leader != ErrorCode.None) return leader;
        PartitionState state = partition!.State;
        if (data.Records is not { Length: > 0 } records) return ErrorCode.CorruptMessage;

        batch = Writable(records, ref rented);
        var reader = new RecordBatchReader(batch.Span);
        if (!reader.MoveNext() || reader.Consumed != batch.Length)
        {
            response.ErrorMessage = "a produce request must carry exactly one whole record batch per partition";
            return ErrorCode.InvalidRecord;
        }
        EffectiveTopicConfig config = state.Config;
        if (batch.Length > config.MaxMessageBytes)
        {
            response.ErrorMessage =
                $"the batch of {batch.Length} bytes exceeds max.message.bytes={config.MaxMessageBytes}";
            return ErrorCode.MessageTooLarge;
        }
        ErrorCode valid = ValidateHeader(batch.Span, response, out RecordBatchHeader header);
        if (valid != ErrorCode.None) return valid;
        // Before any decoding, as Kafka's leader checks it before the log validates: a batch refused for want of
        // in-sync replicas is not recompressed first.
        if (acks == -1 && partition.InSyncReplicaCount < config.MinInsyncReplicas)
        {
            response.ErrorMessage = $"the ISR has {partition.InSyncReplicaCount} of the " +
                $"min.insync.replicas={config.MinInsyncReplicas} replicas acks=all needs";
            return ErrorCode.NotEnoughReplicas;
        }
        ErrorCode rewritten = ProducedBatchRewrite.Apply(ref batch, header, config, response, ref rented,
            out long minTimestamp, out long maxTimestamp);
        if (rewritten != ErrorCode.None) return rewritten;
        if (config.Log.MessageTimestampType == TimestampType.CreateTime &&
            !TimestampsInRange(minTimestamp, maxTimestamp, config))
        {
            string message = "the batch's timestamps are outside message.timestamp.before.max.ms/after.max.ms";
            response.RecordErrors.Add(
                new ProduceResponse.BatchIndexAndErrorMessage { BatchIndex = 0, BatchIndexErrorMessage = message });
            response.ErrorMessage = message;
            return ErrorCode.InvalidTimestamp;
        }
        if (config.IsCompacted)
        {
            ErrorCode keys = CompactedTopicKeys.Check(batch.Span, topic, data.Index, response);
            if (keys != ErrorCode.None) return keys;
        }
        return ErrorCode.None;
    }

    // The batch's header and CRC, and what a client may not write: control or transactional batches, a producer id
    // without a sequence.
    private static ErrorCode ValidateHeader(ReadOnlySpan<byte> batch, PartitionResponse response,
        out RecordBatchHeader header)
    {
        switch (RecordBatch.TryValidate(batch, out header))
        {
            case RecordBatchValidation.Ok:
                break;
            case RecordBatchValidation.LegacyMagic:
                response.ErrorMessage = "record batches of magic 0 and 1 are not accepted";
                return ErrorCode.UnsupportedForMessageFormat;
            case RecordBatchValidation.BadCrc:
                response.ErrorMessage = "the record batch failed its CRC check";
                return ErrorCode.CorruptMessage;
            default:
                response.ErrorMessage = "the record batch is malformed";
                return ErrorCode.CorruptMessage;
        }
        if (header.RecordCount != header.LastOffsetDelta + 1 || header.RecordCount <= 0)
        {
            response.ErrorMessage = "the record count does not match the batch's last offset delta";
            return ErrorCode.InvalidRecord;
        }
        if (header.IsControl)
        {
            response.ErrorMessage = "clients are not allowed to write control records";
            return ErrorCode.InvalidRecord;
        }
        if (header.IsTransactional)
        {
            response.ErrorMessage = "transactions are not served yet: produce without a transactional.id";
            return ErrorCode.InvalidTxnState;
        }
        if (header.HasProducerId && header.BaseSequence < 0)
        {
            response.ErrorMessage = $"invalid sequence number {header.BaseSequence} in a batch with a producer id";
            return ErrorCode.InvalidRecord;
        }
        return ErrorCode.None;
    }

    // The header carries the first and the largest timestamp; Samsa checks those instead of decoding every record,
    // and the records' own smallest and largest when it decoded them anyway (ProducedBatchRewrite).
    private bool TimestampsInRange(long minTimestamp, long maxTimestamp, EffectiveTopicConfig config)
    {
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long earliest = now - (long)Math.Min(config.MessageTimestampBeforeMax.TotalMilliseconds, long.MaxValue / 2);
        long latest = now + (long)Math.Min(config.MessageTimestampAfterMax.TotalMilliseconds, long.MaxValue / 2);
        return minTimestamp >= earliest && maxTimestamp <= latest;
    }

    // The records are a slice of the request frame, which the connection does not reuse until this request is
    // decoded and started; the log stamps offsets in place and writes the bytes before the append returns. A batch
    // spread over several of the transport's buffers is copied into one pooled array, returned once its append is
    // done: a fresh array per batch would put every large batch on the large object heap and churn gen-2 collections.
    private static Memory<byte> Writable(ReadOnlySequence<byte> records, ref List<byte[]>? rented)
    {
        if (records.IsSingleSegment) return MemoryMarshal.AsMemory(records.First);
        int length = checked((int)records.Length);
        byte[] buffer = RecordBuffers.Rent(length);
        (rented ??= []).Add(buffer);
        records.CopyTo(buffer);
        return buffer.AsMemory(0, length);
    }
}
