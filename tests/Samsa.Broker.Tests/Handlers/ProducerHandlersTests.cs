using System.Buffers;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Handlers;
using Samsa.Broker.Transactions;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Tests.Handlers;

// InitProducerId, idempotent Produce and DescribeProducers over real partition logs and a real controller.
public sealed class ProducerHandlersTests
{
    private static InitProducerIdHandler InitHandler(HandlerFixture f) =>
        new(new ProducerIdManager(HandlerFixture.NodeId, f.Controller, f.Loader, NullLogger.Instance), f.Loader);

    private static Task<InitProducerIdResponse> InitAsync(IApiHandler handler, short version = 5,
        string? transactionalId = null, long producerId = -1, short epoch = -1) =>
        HandlerFixture.SendAsync<InitProducerIdRequest, InitProducerIdResponse>(handler, new InitProducerIdRequest
        {
            TransactionalId = transactionalId, TransactionTimeoutMs = 60_000, ProducerId = producerId,
            ProducerEpoch = epoch,
        }, version);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Init_producer_id_hands_out_distinct_ids_at_epoch_zero(short version)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        InitProducerIdHandler handler = InitHandler(f);

        InitProducerIdResponse first = await InitAsync(handler, version);
        InitProducerIdResponse second = await InitAsync(handler, version);

        Assert.Equal((0, (short)0), (first.ErrorCode, first.ProducerEpoch));
        Assert.Equal((0, (short)0), (second.ErrorCode, second.ProducerEpoch));
        Assert.True(first.ProducerId >= 0);
        Assert.NotEqual(first.ProducerId, second.ProducerId);
        // The block is in the metadata image, so another broker's block starts past it.
        Assert.True(f.Image.ProducerIds.NextProducerId > second.ProducerId);
    }

    [Fact]
    public async Task Ids_stay_unique_across_a_second_broker_and_a_new_manager()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(otherBrokers: 2);
        var mine = new ProducerIdManager(HandlerFixture.NodeId, f.Controller, f.Loader, NullLogger.Instance);
        var other = new ProducerIdManager(2, f.Controller, f.Loader, NullLogger.Instance);
        var restarted = new ProducerIdManager(HandlerFixture.NodeId, f.Controller, f.Loader, NullLogger.Instance);
        var ids = new HashSet<long>();

        for (int i = 0; i < 50; i++)
        {
            foreach (ProducerIdManager manager in new[] { mine, other, restarted })
            {
                (var status, long id) = await manager.NextAsync(HandlerFixture.Ct);
                Assert.Equal(Samsa.Metadata.Controller.ControllerStatus.Ok, status);
                Assert.True(ids.Add(id), $"producer id {id} handed out twice");
            }
        }
    }

    [Fact]
    public async Task A_producer_that_names_its_id_and_epoch_gets_the_next_epoch()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        InitProducerIdHandler handler = InitHandler(f);
        InitProducerIdResponse first = await InitAsync(handler);

        InitProducerIdResponse bumped = await InitAsync(handler, 3, producerId: first.ProducerId, epoch: 0);
        Assert.Equal((first.ProducerId, (short)1), (bumped.ProducerId, bumped.ProducerEpoch));

        InitProducerIdResponse exhausted = await InitAsync(handler, 4, producerId: first.ProducerId,
            epoch: short.MaxValue - 1);
        Assert.NotEqual(first.ProducerId, exhausted.ProducerId);
        Assert.Equal(0, exhausted.ProducerEpoch);

        InitProducerIdResponse unknown = await InitAsync(handler, 4, producerId: 1L << 40, epoch: 3);
        Assert.NotEqual(1L << 40, unknown.ProducerId);
        Assert.Equal(0, unknown.ProducerEpoch);

        InitProducerIdResponse half = await InitAsync(handler, 4, producerId: first.ProducerId, epoch: -1);
        Assert.Equal(ErrorCode.InvalidRequest, (ErrorCode)half.ErrorCode);
    }

    [Fact]
    public async Task A_transactional_id_is_refused_while_transactions_are_not_served()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();

        InitProducerIdResponse response = await InitAsync(InitHandler(f), transactionalId: "orders-tx");

        Assert.Equal(ErrorCode.TransactionalIdAuthorizationFailed, (ErrorCode)response.ErrorCode);
        Assert.Equal(-1, response.ProducerId);
        InitProducerIdResponse empty = await InitAsync(InitHandler(f), transactionalId: "");
        Assert.Equal(ErrorCode.InvalidRequest, (ErrorCode)empty.ErrorCode);
    }

    private static byte[] Batch(long producerId, short epoch, int baseSequence, int records = 1,
        bool transactional = false, bool control = false)
    {
        var builder = new RecordBatchBuilder
        {
            ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = baseSequence,
            IsTransactional = transactional,
        };
        if (control)
        {
            builder.IsControl = true;
            builder.AddEndTransactionMarker(ControlRecordType.Commit, 0, 1_735_689_600_000);
        }
        else
        {
            for (int i = 0; i < records; i++) builder.Add([(byte)i], [1, 2, 3], 1_735_689_600_000);
        }
        return builder.Build();
    }

    private static async Task<ProduceResponse.PartitionProduceResponse[]> ProduceAsync(HandlerFixture f,
        params (int Partition, byte[] Batch)[] batches)
    {
        var request = new ProduceRequest { Acks = -1, TimeoutMs = 5000 };
        var topic = new ProduceRequest.TopicProduceData { Name = "orders" };
        foreach ((int partition, byte[] batch) in batches)
        {
            topic.PartitionData.Add(new ProduceRequest.PartitionProduceData
            {
                Index = partition, Records = new ReadOnlySequence<byte>(batch),
            });
        }
        request.TopicData.Add(topic);
        ProduceResponse response = await HandlerFixture.SendAsync<ProduceRequest, ProduceResponse>(
            new ProduceHandler(f.Replicas, f.Loader, f.Time), request, 11);
        return [.. response.Responses[0].PartitionResponses];
    }

    [Fact]
    public async Task Produce_answers_each_partition_by_its_own_producer_state()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders", partitions: 3);
        await ProduceAsync(f, (0, Batch(7, 2, 0, 3)), (1, Batch(7, 2, 0)), (2, Batch(7, 2, 0)));

        ProduceResponse.PartitionProduceResponse[] answers = await ProduceAsync(f,
            (0, Batch(7, 2, 0, 3)),     // a retry: the original offsets, nothing written
            (1, Batch(7, 2, 5)),        // a gap
            (2, Batch(7, 1, 1)));       // an old epoch

        Assert.Equal((ErrorCode.None, 0L), ((ErrorCode)answers[0].ErrorCode, answers[0].BaseOffset));
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, (ErrorCode)answers[1].ErrorCode);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, (ErrorCode)answers[2].ErrorCode);
        Assert.Equal([3L, 1L, 1L], new[] { 0, 1, 2 }.Select(p => f.Partition("orders", p).Log.LogEndOffset));

        ProduceResponse.PartitionProduceResponse next = (await ProduceAsync(f, (0, Batch(7, 2, 3, 2))))[0];
        Assert.Equal((ErrorCode.None, 3L), ((ErrorCode)next.ErrorCode, next.BaseOffset));
    }

    [Fact]
    public async Task Produce_refuses_transactional_control_and_unsequenced_idempotent_batches()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders", partitions: 3);

        ProduceResponse.PartitionProduceResponse[] answers = await ProduceAsync(f,
            (0, Batch(7, 0, 0, transactional: true)),
            (1, Batch(7, 0, 0, control: true)),
            (2, Batch(7, 0, RecordBatchHeader.NoSequence)));

        Assert.Equal([ErrorCode.InvalidTxnState, ErrorCode.InvalidRecord, ErrorCode.InvalidRecord],
            answers.Select(a => (ErrorCode)a.ErrorCode));
        Assert.All(answers, a => Assert.NotNull(a.ErrorMessage));
        Assert.All(new[] { 0, 1, 2 }, p => Assert.Equal(0, f.Partition("orders", p).Log.LogEndOffset));
    }

    [Fact]
    public async Task Describe_producers_lists_the_producers_a_partition_remembers()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders", partitions: 2);
        await f.StartBrokerAsync(2);
        await f.CreateTopicAsync("elsewhere", replicas: 2);
        ProduceResponse.PartitionProduceResponse[] produced =
            await ProduceAsync(f, (0, Batch(7, 2, 0, 3)), (1, Batch(9, 0, 10)));
        Assert.All(produced, p => Assert.Equal(0, p.ErrorCode));

        DescribeProducersResponse response = await HandlerFixture.SendAsync<DescribeProducersRequest,
            DescribeProducersResponse>(new DescribeProducersHandler(f.Replicas, f.Loader), new DescribeProducersRequest
            {
                Topics =
                [
                    new DescribeProducersRequest.TopicRequest { Name = "orders", PartitionIndexes = [0, 1, 5] },
                    new DescribeProducersRequest.TopicRequest { Name = "elsewhere", PartitionIndexes = [0] },
                ],
            }, 0);

        List<DescribeProducersResponse.PartitionResponse> orders = response.Topics[0].Partitions;
        DescribeProducersResponse.ProducerState producer = Assert.Single(orders[0].ActiveProducers);
        Assert.Equal((7L, 2, 2, 1_735_689_600_000L, -1, -1L), (producer.ProducerId, producer.ProducerEpoch,
            producer.LastSequence, producer.LastTimestamp, producer.CoordinatorEpoch, producer.CurrentTxnStartOffset));
        Assert.Equal(10, Assert.Single(orders[1].ActiveProducers).LastSequence);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (ErrorCode)orders[2].ErrorCode);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, (ErrorCode)response.Topics[1].Partitions[0].ErrorCode);
    }
}
