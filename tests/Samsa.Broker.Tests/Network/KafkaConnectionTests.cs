using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Samsa.Broker.Handlers;
using Samsa.Broker.Network;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Tests.Network;

public sealed class KafkaConnectionTests
{
    private static CancellationToken Deadline => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task ApiVersions_lists_exactly_the_apis_the_handlers_declare()
    {
        await using var harness = new ConnectionHarness([new GatedHandler()]);
        await harness.SendAsync(new ApiVersionsRequest { ClientSoftwareName = "t", ClientSoftwareVersion = "1" },
            ApiKey.ApiVersions, 3, correlationId: 5);
        (int correlationId, byte[] body) = await harness.ReceiveAsync(headerVersion: 0, Deadline);
        Assert.Equal(5, correlationId);
        ApiVersionsResponse response = Decode<ApiVersionsResponse>(body, 3);
        Assert.Equal(0, response.ErrorCode);
        Assert.Equal([(18, 0, 4), (60, 0, 1)],
            response.ApiKeys.Select(k => ((int)k.ApiKey, (int)k.MinVersion, (int)k.MaxVersion)).ToArray());
    }

    [Fact]
    public async Task Responses_leave_in_request_order_when_an_earlier_one_completes_later()
    {
        var handler = new GatedHandler();
        await using var harness = new ConnectionHarness([handler]);
        await harness.SendAsync(new DescribeClusterRequest { IncludeClusterAuthorizedOperations = true },
            ApiKey.DescribeCluster, 1, correlationId: 1);
        await harness.SendAsync(new DescribeClusterRequest(), ApiKey.DescribeCluster, 1, correlationId: 2);
        await harness.SendAsync(new ApiVersionsRequest(), ApiKey.ApiVersions, 0, correlationId: 3);
        await harness.SendAsync(new DescribeClusterRequest(), ApiKey.DescribeCluster, 1, correlationId: 4);

        // Requests are dispatched in order and 2, 3 and 4 are answered as they are dispatched, so once the handler
        // has seen 4 the later responses are all complete while 1 still waits: a connection that wrote responses as
        // they complete would put 2, 3 and 4 on the wire before 1.
        await handler.Started.Task.WaitAsync(Deadline);
        await Eventually.TrueAsync(() => handler.Handled == 3, TimeSpan.FromSeconds(10),
            "requests 2 and 4 to be handled while 1 waits");
        Assert.False(harness.HasUnreadBytes(), "a later response overtook the pending one");
        handler.Gate.SetResult();

        Assert.Equal(1, (await harness.ReceiveAsync(1, Deadline)).CorrelationId);
        Assert.Equal(2, (await harness.ReceiveAsync(1, Deadline)).CorrelationId);
        Assert.Equal(3, (await harness.ReceiveAsync(0, Deadline)).CorrelationId);
        Assert.Equal(4, (await harness.ReceiveAsync(1, Deadline)).CorrelationId);
    }

    [Fact]
    public async Task Frame_over_socket_request_max_bytes_closes_the_connection_before_its_body_arrives()
    {
        await using var harness = new ConnectionHarness([], new ConnectionOptions(MaxRequestBytes: 1024));
        byte[] prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, 1025);
        await harness.SendRawAsync(prefix);
        Assert.True(await harness.ClosedAsync(Deadline));
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(int.MinValue)]
    public async Task Negative_frame_size_closes_the_connection(int size)
    {
        await using var harness = new ConnectionHarness([]);
        byte[] prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, size);
        await harness.SendRawAsync(prefix);
        Assert.True(await harness.ClosedAsync(Deadline));
    }

    [Fact]
    public async Task Unknown_api_key_closes_the_connection()
    {
        await using var harness = new ConnectionHarness([]);
        byte[] frame = [0, 0, 0, 8, 0x7F, 0x00, 0, 1, 0, 0, 0, 9];   // api key 32512, version 1, correlation 9
        await harness.SendRawAsync(frame);
        Assert.True(await harness.ClosedAsync(Deadline));
    }

    [Fact]
    public async Task Garbage_header_closes_the_connection()
    {
        await using var harness = new ConnectionHarness([]);
        await harness.SendRawAsync([0, 0, 0, 2, 0, 18]);   // a frame too short for a header
        Assert.True(await harness.ClosedAsync(Deadline));
    }

    [Fact]
    public async Task ApiVersions_at_an_unknown_version_gets_v0_UNSUPPORTED_VERSION_with_the_list()
    {
        await using var harness = new ConnectionHarness([]);
        // A future ApiVersions v9 with a flexible header and a body this broker cannot parse.
        byte[] frame = [0, 0, 0, 14, 0, 18, 0, 9, 0, 0, 0, 4, 0, 1, (byte)'x', 0, 0xAB, 0xCD];
        await harness.SendRawAsync(frame);
        (int correlationId, byte[] body) = await harness.ReceiveAsync(0, Deadline);
        Assert.Equal(4, correlationId);
        ApiVersionsResponse response = Decode<ApiVersionsResponse>(body, 0);
        Assert.Equal((short)ErrorCode.UnsupportedVersion, response.ErrorCode);
        Assert.Contains(response.ApiKeys, k => k.ApiKey == 18 && k.MaxVersion == 4);
    }

    [Fact]
    public async Task Known_api_at_a_version_not_served_gets_UNSUPPORTED_VERSION()
    {
        await using var harness = new ConnectionHarness([new OldDescribeClusterHandler()]);
        await harness.SendAsync(new DescribeClusterRequest(), ApiKey.DescribeCluster, 1, correlationId: 8);
        (int correlationId, byte[] body) = await harness.ReceiveAsync(1, Deadline);
        Assert.Equal(8, correlationId);
        Assert.Equal((short)ErrorCode.UnsupportedVersion, Decode<DescribeClusterResponse>(body, 1).ErrorCode);
    }

    [Fact]
    public async Task Requests_arriving_one_byte_at_a_time_are_served()
    {
        await using var harness = new ConnectionHarness([]);
        byte[] frame = ConnectionHarness.Frame(
            new ApiVersionsRequest { ClientSoftwareName = "a", ClientSoftwareVersion = "b" },
            ApiKey.ApiVersions, 3, 77);
        foreach (byte b in frame) await harness.SendRawAsync([b]);
        Assert.Equal(77, (await harness.ReceiveAsync(0, Deadline)).CorrelationId);
    }

    [Fact]
    public async Task Frames_larger_than_the_transport_reads_ahead_arrive_whole_with_the_frames_after_them()
    {
        // The transport pauses at 64 KiB read ahead of the connection; frames of 300 KiB and 1 MiB arrive only because
        // the connection examines all it has, which lets the transport go on reading a frame it cannot yet consume.
        await using var harness = new ConnectionHarness([new RecordsDigestHandler()], readAheadBytes: 64 * 1024);
        int[] sizes = [300 * 1024, 48 * 1024, 1024 * 1024, 10, 64 * 1024];
        var random = new Random(7);
        byte[][] records = [.. sizes.Select(size => { byte[] r = new byte[size]; random.NextBytes(r); return r; })];
        // All frames in one write, so a large frame's end and the next frame's start share transport blocks.
        byte[] all = [.. records.SelectMany((r, i) => ConnectionHarness.Frame(ProduceOf(r), ApiKey.Produce, 9, i + 1))];
        Task sending = harness.SendRawAsync(all);
        for (int i = 0; i < records.Length; i++)
        {
            (int correlationId, byte[] body) = await harness.ReceiveAsync(1, Deadline);
            Assert.Equal(i + 1, correlationId);
            ProduceResponse.PartitionProduceResponse partition =
                Decode<ProduceResponse>(body, 9).Responses[0].PartitionResponses[0];
            Assert.Equal(records[i].Length, partition.BaseOffset);
            Assert.Equal(Digest(records[i]), partition.LogStartOffset);
        }
        await sending.WaitAsync(Deadline);
    }

    private static long Digest(byte[] bytes) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(bytes));

    private static ProduceRequest ProduceOf(byte[] records) => new()
    {
        Acks = 1, TimeoutMs = 1000,
        TopicData = [new ProduceRequest.TopicProduceData
        {
            Name = "t",
            PartitionData =
            [
                new ProduceRequest.PartitionProduceData { Index = 0, Records = new ReadOnlySequence<byte>(records) },
            ],
        }],
    };

    [Fact]
    public async Task Idle_connection_is_closed_after_connections_max_idle_ms_but_not_while_a_request_is_pending()
    {
        var handler = new GatedHandler();
        await using var harness =
            new ConnectionHarness([handler], new ConnectionOptions(IdleTimeout: TimeSpan.FromSeconds(30)));
        await harness.SendAsync(new DescribeClusterRequest { IncludeClusterAuthorizedOperations = true },
            ApiKey.DescribeCluster, 1, correlationId: 1);
        await handler.Started.Task.WaitAsync(Deadline);
        harness.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.False(harness.Running.IsCompleted, "closed while a long poll was pending");
        handler.Gate.SetResult();
        Assert.Equal(1, (await harness.ReceiveAsync(1, Deadline)).CorrelationId);

        harness.Time.Advance(TimeSpan.FromSeconds(31));
        harness.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await harness.ClosedAsync(Deadline));
    }

    [Fact]
    public async Task Shutdown_stops_reading_but_writes_the_responses_already_owed()
    {
        var handler = new GatedHandler();
        await using var harness = new ConnectionHarness([handler]);
        await harness.SendAsync(new DescribeClusterRequest { IncludeClusterAuthorizedOperations = true },
            ApiKey.DescribeCluster, 1, correlationId: 1);
        await handler.Started.Task.WaitAsync(Deadline);
        harness.StopBroker();
        handler.Gate.SetResult();
        Assert.Equal(1, (await harness.ReceiveAsync(1, Deadline)).CorrelationId);
        await harness.Running.WaitAsync(Deadline);
    }

    private static T Decode<T>(byte[] body, short version)
        where T : IKafkaMessage<T>
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(body));
        T message = T.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return message;
    }

    /// <summary>Answers DescribeCluster; a request asking for authorized operations waits for the gate.</summary>
    [ApiHandler(ApiKey.DescribeCluster, MinVersion = 0, MaxVersion = 1)]
    private sealed class GatedHandler : ApiHandler<DescribeClusterRequest, DescribeClusterResponse>
    {
        private int _handled;

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Handled => Volatile.Read(ref _handled);

        protected override ValueTask<DescribeClusterResponse?> HandleAsync(RequestContext context,
            DescribeClusterRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _handled);
            if (!request.IncludeClusterAuthorizedOperations)
                return ValueTask.FromResult<DescribeClusterResponse?>(new DescribeClusterResponse { ClusterId = "c" });
            Started.TrySetResult();
            return WaitAsync();
        }

        private async ValueTask<DescribeClusterResponse?> WaitAsync()
        {
            await Gate.Task;
            return new DescribeClusterResponse { ClusterId = "c" };
        }

        protected override DescribeClusterResponse ErrorResponse(RequestContext context, DescribeClusterRequest request,
            ErrorCode error) => new() { ErrorCode = (short)error, ClusterId = "" };
    }

    /// <summary>Answers Produce with what arrived: the records' length as the base offset, a digest of them as the log
    /// start offset.</summary>
    [ApiHandler(ApiKey.Produce, MinVersion = 9, MaxVersion = 9)]
    private sealed class RecordsDigestHandler : ApiHandler<ProduceRequest, ProduceResponse>
    {
        protected override ValueTask<ProduceResponse?> HandleAsync(RequestContext context, ProduceRequest request,
            CancellationToken cancellationToken)
        {
            byte[] records = request.TopicData[0].PartitionData[0].Records!.Value.ToArray();
            return ValueTask.FromResult<ProduceResponse?>(new ProduceResponse
            {
                Responses = [new ProduceResponse.TopicProduceResponse
                {
                    Name = "t",
                    PartitionResponses = [new ProduceResponse.PartitionProduceResponse
                    {
                        Index = 0, BaseOffset = records.Length, LogStartOffset = Digest(records),
                    }],
                }],
            });
        }

        protected override ProduceResponse ErrorResponse(RequestContext context, ProduceRequest request,
            ErrorCode error) => new();
    }

    [ApiHandler(ApiKey.DescribeCluster, MinVersion = 0, MaxVersion = 0)]
    private sealed class OldDescribeClusterHandler : ApiHandler<DescribeClusterRequest, DescribeClusterResponse>
    {
        protected override ValueTask<DescribeClusterResponse?> HandleAsync(RequestContext context,
            DescribeClusterRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<DescribeClusterResponse?>(new DescribeClusterResponse { ClusterId = "c" });

        protected override DescribeClusterResponse ErrorResponse(RequestContext context, DescribeClusterRequest request,
            ErrorCode error) => new() { ErrorCode = (short)error, ClusterId = "" };
    }
}
