using System.Buffers;
using Samsa.Broker.Handlers;
using Samsa.Broker.Network;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Testing;

namespace Samsa.Broker.Tests.Network;

/// <summary>How a connection ends: every request the client sent is served, every queued response is let go.</summary>
public sealed class KafkaConnectionCloseTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Every_request_sent_before_the_client_closed_is_handled()
    {
        // The first request holds the read loop while the rest arrive and the client closes, the way an acks=0
        // producer sends its last batches and closes before the broker has read them.
        var handler = new NoAnswerHandler();
        await using var harness = new ConnectionHarness([handler]);
        await harness.SendAsync(Produce(), ApiKey.Produce, 9, correlationId: 0);
        Assert.True(handler.Started.Wait(Deadline, TestContext.Current.CancellationToken));
        for (int i = 1; i < 50; i++) await harness.SendAsync(Produce(), ApiKey.Produce, 9, correlationId: i);
        await harness.CloseFromClientAsync();
        handler.Gate.Set();

        await harness.Running.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.Equal(50, handler.Handled);
    }

    [Fact]
    public async Task Responses_queued_when_the_client_goes_away_return_their_buffers()
    {
        var pool = new DiagnosticPool();
        var handler = new LeasingHandler(pool);
        await using var harness = new ConnectionHarness([handler]);
        await harness.SendAsync(Describe(gated: true), ApiKey.DescribeCluster, 1, correlationId: 0);
        await handler.Started.Task.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        for (int i = 1; i <= 150; i++) await harness.SendAsync(Describe(), ApiKey.DescribeCluster, 1, correlationId: i);
        await harness.CloseFromClientAsync(readsNoMore: true);
        handler.Gate.SetResult();

        await harness.Running.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.Equal(151, pool.Rented);
        pool.AssertAllReturned();
    }

    [Fact]
    public async Task A_response_that_cannot_be_written_closes_the_connection_and_the_rest_return_their_buffers()
    {
        var pool = new DiagnosticPool();
        var handler = new LeasingHandler(pool) { FailFirstWrite = true };
        await using var harness = new ConnectionHarness([handler]);
        await harness.SendAsync(Describe(gated: true), ApiKey.DescribeCluster, 1, correlationId: 0);
        await handler.Started.Task.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        for (int i = 1; i <= 10; i++) await harness.SendAsync(Describe(), ApiKey.DescribeCluster, 1, correlationId: i);
        // The connection stops reading once a write fails: the ten must be read and handled (each rents a buffer)
        // before the first response is released to fail.
        await Eventually.TrueAsync(() => pool.Rented == 10, Deadline,
            "the ten requests behind the gated one to be handled");
        handler.Gate.SetResult();

        await harness.Running.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        Assert.Equal(11, pool.Rented);
        pool.AssertAllReturned();
    }

    [Fact]
    public async Task A_handler_asking_to_close_gets_the_responses_before_it_written_then_the_connection_closes()
    {
        await using var harness = new ConnectionHarness([new NoAnswerHandler { CloseOnAcks = 0 }]);
        await harness.SendAsync(new ApiVersionsRequest(), ApiKey.ApiVersions, 0, correlationId: 1);
        await harness.SendAsync(Produce(acks: 0), ApiKey.Produce, 9, correlationId: 2);
        using var deadline = new CancellationTokenSource(Deadline);

        Assert.Equal(1, (await harness.ReceiveAsync(0, deadline.Token)).CorrelationId);
        Assert.True(await harness.ClosedAsync(deadline.Token));
        await harness.Running.WaitAsync(Deadline, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_response_followed_by_an_acks0_produce_is_sent_without_waiting_for_another_request()
    {
        var pool = new DiagnosticPool();
        var leasing = new LeasingHandler(pool);
        var produce = new NoAnswerHandler { CloseOnAcks = 1 };   // never blocks; acks=0 gets no answer
        await using var harness = new ConnectionHarness([leasing, produce]);
        await harness.SendAsync(Describe(gated: true), ApiKey.DescribeCluster, 1, correlationId: 1);
        await leasing.Started.Task.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        await harness.SendAsync(Produce(acks: 0), ApiKey.Produce, 9, correlationId: 2);
        await Eventually.TrueAsync(() => produce.Handled == 1, Deadline, "the acks=0 produce to be queued");
        leasing.Gate.SetResult();

        using var deadline = new CancellationTokenSource(Deadline);
        Assert.Equal(1, (await harness.ReceiveAsync(1, deadline.Token)).CorrelationId);
    }

    private static ProduceRequest Produce(short acks = 0) => new()
    {
        Acks = acks,
        TimeoutMs = 1000,
        TopicData = [new ProduceRequest.TopicProduceData
        {
            Name = "t",
            PartitionData =
            [
                new ProduceRequest.PartitionProduceData { Index = 0, Records = new ReadOnlySequence<byte>([1, 2, 3]) },
            ],
        }],
    };

    private static DescribeClusterRequest Describe(bool gated = false) =>
        new() { IncludeClusterAuthorizedOperations = gated };

    /// <summary>Sends no response, as an acks=0 Produce; the first request blocks the read loop until the gate opens.
    /// With <see cref="CloseOnAcks"/>, a request of those acks asks the connection to close instead.</summary>
    [ApiHandler(ApiKey.Produce, MinVersion = 9, MaxVersion = 9)]
    private sealed class NoAnswerHandler : ApiHandler<ProduceRequest, ProduceResponse>
    {
        private int _handled;

        public ManualResetEventSlim Started { get; } = new();

        public ManualResetEventSlim Gate { get; } = new();

        public int Handled => Volatile.Read(ref _handled);

        public short? CloseOnAcks { get; init; }

        protected override ValueTask<ProduceResponse?> HandleAsync(RequestContext context, ProduceRequest request,
            CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _handled) == 1 && CloseOnAcks is null)
            {
                Started.Set();
                if (!Gate.Wait(Deadline, cancellationToken))
                    throw new TimeoutException("the test never opened the gate");
            }
            return ValueTask.FromResult<ProduceResponse?>(new ProduceResponse());
        }

        protected override IKafkaMessage? Reply(ProduceRequest request, ProduceResponse? response) =>
            request.Acks == CloseOnAcks ? CloseConnection.Instance : null;

        protected override ProduceResponse ErrorResponse(RequestContext context, ProduceRequest request,
            ErrorCode error) => new();
    }

    /// <summary>Answers DescribeCluster with a response holding a buffer from the pool; a request asking for
    /// authorized operations waits for the gate.</summary>
    [ApiHandler(ApiKey.DescribeCluster, MinVersion = 0, MaxVersion = 1)]
    private sealed class LeasingHandler(DiagnosticPool pool) : IApiHandler
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool FailFirstWrite { get; init; }

        public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, ref KafkaReader body,
            CancellationToken cancellationToken)
        {
            DescribeClusterRequest request = DescribeClusterRequest.Read(ref body, context.ApiVersion);
            if (!request.IncludeClusterAuthorizedOperations)
                return ValueTask.FromResult<IKafkaMessage?>(new LeasedResponse(pool, fail: false));
            Started.TrySetResult();
            return WaitAsync();
        }

        public IKafkaMessage ErrorResponse(RequestContext context, ref KafkaReader body, ErrorCode error) =>
            new DescribeClusterResponse { ErrorCode = (short)error, ClusterId = "" };

        private async ValueTask<IKafkaMessage?> WaitAsync()
        {
            await Gate.Task;
            return new LeasedResponse(pool, FailFirstWrite);
        }
    }

    /// <summary>A response holding a pooled buffer until the connection disposes it, as a Fetch response
    /// does.</summary>
    private sealed class LeasedResponse(DiagnosticPool pool, bool fail) : IKafkaMessage, IDisposable
    {
        private readonly byte[] _buffer = pool.Rent();
        private readonly DescribeClusterResponse _response = new() { ClusterId = "c" };

        public void Write(ref KafkaWriter writer, short version)
        {
            if (fail) throw new InvalidOperationException("this response cannot be written");
            _response.Write(ref writer, version);
        }

        public int GetSize(short version) => _response.GetSize(version);

        public void Dispose() => pool.Return(_buffer);
    }

    /// <summary>Hands out buffers and fails the test on a buffer returned twice or never.</summary>
    private sealed class DiagnosticPool
    {
        private readonly HashSet<byte[]> _outstanding = new(ReferenceEqualityComparer.Instance);
        private int _rented;

        public int Rented => Volatile.Read(ref _rented);

        public byte[] Rent()
        {
            byte[] buffer = new byte[16];
            lock (_outstanding) _outstanding.Add(buffer);
            Interlocked.Increment(ref _rented);
            return buffer;
        }

        public void Return(byte[] buffer)
        {
            lock (_outstanding) Assert.True(_outstanding.Remove(buffer), "a buffer was returned twice");
        }

        public void AssertAllReturned()
        {
            lock (_outstanding) Assert.True(_outstanding.Count == 0, $"{_outstanding.Count} buffers never returned");
        }
    }
}
