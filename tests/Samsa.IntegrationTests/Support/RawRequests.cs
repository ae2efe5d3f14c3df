using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.IntegrationTests.Support;

/// <summary>Well-formed requests sent as raw frames, for what a client library will not send or show.</summary>
internal static class RawRequests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static int s_correlationId;

    /// <summary>Sends <paramref name="request"/> and reads its response, checking the correlation id.</summary>
    public static async Task<TResponse> SendAsync<TResponse>(RawKafkaConnection raw, ApiKey apiKey, short version,
        IKafkaMessage request)
        where TResponse : IKafkaMessage<TResponse>
    {
        int correlationId = Interlocked.Increment(ref s_correlationId);
        Assert.True(await raw.SendAsync(RawKafkaConnection.EncodeRequest(apiKey, version, correlationId, request)),
            $"the broker closed the connection before {apiKey} v{version} was sent");
        byte[]? frame = await raw.ReadFrameAsync(Deadline);
        Assert.True(frame is not null, $"the broker closed the connection instead of answering {apiKey} v{version}");
        (int answered, TResponse response) = RawKafkaConnection.DecodeResponse<TResponse>(frame, apiKey, version);
        Assert.Equal(correlationId, answered);
        return response;
    }

    /// <summary>Produce (acks=all unless <paramref name="acks"/> says otherwise) of one batch to partition 0 of
    /// <paramref name="topic"/>; its partition response.</summary>
    public static async Task<ProduceResponse.PartitionProduceResponse> ProduceAsync(RawKafkaConnection raw,
        string topic, byte[] batch, short version = 9, short acks = -1)
    {
        var request = new ProduceRequest
        {
            Acks = acks,
            TimeoutMs = 10_000,
            TopicData =
            [
                new ProduceRequest.TopicProduceData
                {
                    Name = topic,
                    PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new(batch) }],
                },
            ],
        };
        ProduceResponse response = await SendAsync<ProduceResponse>(raw, ApiKey.Produce, version, request);
        return Assert.Single(Assert.Single(response.Responses).PartitionResponses);
    }

    /// <summary>ListOffsets v1 for partition 0 of <paramref name="topic"/>: the first offset at or after the time.
    /// </summary>
    public static async Task<ListOffsetsResponse.ListOffsetsPartitionResponse> ListOffsetAsync(
        RawKafkaConnection raw, string topic, long timestamp)
    {
        var request = new ListOffsetsRequest
        {
            ReplicaId = -1,
            Topics =
            [
                new ListOffsetsRequest.ListOffsetsTopic
                {
                    Name = topic,
                    Partitions =
                    [
                        new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = timestamp },
                    ],
                },
            ],
        };
        ListOffsetsResponse response = await SendAsync<ListOffsetsResponse>(raw, ApiKey.ListOffsets, 1, request);
        return Assert.Single(Assert.Single(response.Topics).Partitions);
    }

    /// <summary>
    /// The headers of the stored batches of partition 0 of <paramref name="topic"/> from <paramref name="offset"/>,
    /// read with one Fetch v4 (up to 8 MiB), as the broker keeps them.
    /// </summary>
    public static async Task<List<RecordBatchHeader>> FetchBatchesAsync(RawKafkaConnection raw, string topic,
        long offset = 0)
    {
        var request = new FetchRequest
        {
            MaxWaitMs = 0,
            MinBytes = 1,
            MaxBytes = 8 << 20,
            Topics =
            [
                new FetchRequest.FetchTopic
                {
                    Topic = topic,
                    Partitions =
                    [
                        new FetchRequest.FetchPartition
                        {
                            Partition = 0, FetchOffset = offset, PartitionMaxBytes = 8 << 20,
                        },
                    ],
                },
            ],
        };
        FetchResponse response = await SendAsync<FetchResponse>(raw, ApiKey.Fetch, 4, request);
        FetchResponse.PartitionData partition = Assert.Single(Assert.Single(response.Responses).Partitions);
        Assert.Equal(0, partition.ErrorCode);
        byte[] records = partition.Records is { } data ? System.Buffers.BuffersExtensions.ToArray(data) : [];
        var headers = new List<RecordBatchHeader>();
        var reader = new RecordBatchReader(records);
        while (reader.MoveNext())
        {
            Assert.Equal(RecordBatchValidation.Ok,
                RecordBatch.TryValidate(reader.Current, out RecordBatchHeader header));
            headers.Add(header);
        }
        return headers;
    }
}
