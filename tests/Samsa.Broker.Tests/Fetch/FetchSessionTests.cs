using System.Buffers;
using Samsa.Broker.Tests.Network;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Tests.Fetch;

/// <summary>Incremental fetch sessions (KIP-227) and long polls, over the wire codec and real logs.</summary>
public sealed class FetchSessionTests
{
    private const short Version = 12;
    private static CancellationToken Deadline => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;
    private int _correlation;

    [Fact]
    public async Task A_session_answers_in_full_then_only_with_partitions_that_have_news()
    {
        await using BrokerFixture broker = await BrokerFixture.StartAsync(("t", 2));
        await using var client = new ConnectionHarness(broker.Handlers(), time: broker.Time);

        FetchResponse opened = await FetchAsync(client, Request(0, 0, ("t", 0, 0), ("t", 1, 0)));
        Assert.NotEqual(0, opened.SessionId);
        Assert.Equal([0, 1], opened.Responses.SelectMany(t => t.Partitions).Select(p => p.PartitionIndex).Order());

        await ProduceAsync(client, "t", 1, "news");
        FetchResponse incremental = await FetchAsync(client, Request(opened.SessionId, 1));
        FetchResponse.PartitionData only = Assert.Single(incremental.Responses.SelectMany(t => t.Partitions));
        Assert.Equal(1, only.PartitionIndex);
        Assert.Equal(1, only.HighWatermark);
        Assert.True(only.Records!.Value.Length > 0);

        FetchResponse quiet = await FetchAsync(client, Request(opened.SessionId, 2, ("t", 1, 1)));
        Assert.Empty(quiet.Responses.SelectMany(t => t.Partitions));
    }

    [Fact]
    public async Task Forgotten_partitions_leave_the_session()
    {
        await using BrokerFixture broker = await BrokerFixture.StartAsync(("t", 2));
        await using var client = new ConnectionHarness(broker.Handlers(), time: broker.Time);
        FetchResponse opened = await FetchAsync(client, Request(0, 0, ("t", 0, 0), ("t", 1, 0)));
        FetchRequest forget = Request(opened.SessionId, 1);
        forget.ForgottenTopicsData.Add(new FetchRequest.ForgottenTopic { Topic = "t", Partitions = [0] });
        await FetchAsync(client, forget);

        await ProduceAsync(client, "t", 0, "ignored");
        await ProduceAsync(client, "t", 1, "seen");
        FetchResponse next = await FetchAsync(client, Request(opened.SessionId, 2));
        Assert.Equal([1], next.Responses.SelectMany(t => t.Partitions).Select(p => p.PartitionIndex));
    }

    [Fact]
    public async Task A_response_stops_at_the_brokers_fetch_max_bytes_and_the_next_serves_the_partitions_left_out()
    {
        // fetch.max.bytes of 1 KiB: each response holds one partition's batch (always at least one whole batch), and
        // the partition served last goes to the back of the session, so the other comes first next time.
        await using BrokerFixture broker = await BrokerFixture.StartAsync(("t", 2));
        await using var client = new ConnectionHarness(broker.Handlers(fetchMaxBytes: 1024), time: broker.Time);
        string value = new('x', 800);
        await ProduceAsync(client, "t", 0, value);
        await ProduceAsync(client, "t", 0, value);                  // partition 0 could fill the next response too
        await ProduceAsync(client, "t", 1, value);

        FetchResponse opened = await FetchAsync(client, Request(0, 0, ("t", 0, 0), ("t", 1, 0)));
        int[] first = WithRecords(opened);
        Assert.Equal([0], first);
        FetchResponse next = await FetchAsync(client, Request(opened.SessionId, 1, ("t", 0, 1)));
        Assert.Equal([1], WithRecords(next));

        static int[] WithRecords(FetchResponse response) =>
            [
                .. response.Responses.SelectMany(t => t.Partitions).Where(p => p.Records is { Length: > 0 })
                    .Select(p => p.PartitionIndex),
            ];
    }

    [Fact]
    public async Task Wrong_epoch_unknown_session_and_closed_session_get_Kafka_errors()
    {
        await using BrokerFixture broker = await BrokerFixture.StartAsync(("t", 1));
        await using var client = new ConnectionHarness(broker.Handlers(), time: broker.Time);
        FetchResponse opened = await FetchAsync(client, Request(0, 0, ("t", 0, 0)));

        Assert.Equal((short)ErrorCode.InvalidFetchSessionEpoch,
            (await FetchAsync(client, Request(opened.SessionId, 5))).ErrorCode);
        Assert.Equal((short)ErrorCode.FetchSessionIdNotFound,
            (await FetchAsync(client, Request(opened.SessionId + 1, 1))).ErrorCode);

        FetchResponse closed = await FetchAsync(client, Request(opened.SessionId, -1, ("t", 0, 0)));
        Assert.Equal(0, closed.SessionId);
        Assert.Equal((short)ErrorCode.FetchSessionIdNotFound,
            (await FetchAsync(client, Request(opened.SessionId, 1))).ErrorCode);
    }

    [Fact]
    public async Task A_long_poll_is_answered_by_the_append_not_by_its_deadline()
    {
        await using BrokerFixture broker = await BrokerFixture.StartAsync(("t", 1));
        await using var client = new ConnectionHarness(broker.Handlers(), time: broker.Time);
        FetchRequest poll = Request(0, -1, ("t", 0, 0));
        poll.MaxWaitMs = 30_000;
        poll.MinBytes = 1;
        await client.SendAsync(poll, ApiKey.Fetch, Version, ++_correlation);
        int pollId = _correlation;
        await WaitUntilParkedAsync(broker, "t", 0);

        await ProduceAsync(client, "t", 0, "wake up", expectedCorrelationFirst: pollId);
    }

    [Fact]
    public async Task A_long_poll_with_nothing_to_read_ends_at_max_wait()
    {
        await using BrokerFixture broker = await BrokerFixture.StartAsync(("t", 1));
        await using var client = new ConnectionHarness(broker.Handlers(), time: broker.Time);
        FetchRequest poll = Request(0, -1, ("t", 0, 0));
        poll.MaxWaitMs = 500;
        poll.MinBytes = 1;
        await client.SendAsync(poll, ApiKey.Fetch, Version, ++_correlation);
        await WaitUntilParkedAsync(broker, "t", 0);
        broker.Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(client.HasUnreadBytes(), "answered before max wait");
        broker.Time.Advance(TimeSpan.FromMilliseconds(1));
        (int id, byte[] body) = await client.ReceiveAsync(1, Deadline);
        Assert.Equal(_correlation, id);
        FetchResponse response = Decode<FetchResponse>(body, Version);
        Assert.Equal(0, response.Responses.Single().Partitions.Single().Records!.Value.Length);
    }

    // The request travels through the connection's read loop on another thread; the deadline starts once it waits.
    private static async Task WaitUntilParkedAsync(BrokerFixture broker, string topic, int partition)
    {
        Assert.True(broker.Replicas.TryGetPartition(topic, partition, out Samsa.Broker.Replication.Partition? p));
        await Eventually.TrueAsync(() => p!.FetchWatchers.Count > 0, TimeSpan.FromSeconds(10),
            $"a fetch to wait on {topic}-{partition}");
    }

    private static FetchRequest Request(int sessionId, int epoch,
        params (string Topic, int Partition, long Offset)[] partitions)
    {
        var request = new FetchRequest
        {
            MaxWaitMs = 0, MinBytes = 0, MaxBytes = 1 << 20, SessionId = sessionId, SessionEpoch = epoch,
        };
        IEnumerable<IGrouping<string, (string Topic, int Partition, long Offset)>> topics =
            partitions.GroupBy(p => p.Topic);
        foreach (IGrouping<string, (string Topic, int Partition, long Offset)> topic in topics)
        {
            request.Topics.Add(new FetchRequest.FetchTopic
            {
                Topic = topic.Key,
                Partitions =
                [
                    .. topic.Select(p => new FetchRequest.FetchPartition
                    {
                        Partition = p.Partition, FetchOffset = p.Offset, PartitionMaxBytes = 1 << 20,
                    }),
                ],
            });
        }
        return request;
    }

    private async Task<FetchResponse> FetchAsync(ConnectionHarness client, FetchRequest request)
    {
        await client.SendAsync(request, ApiKey.Fetch, Version, ++_correlation);
        (int id, byte[] body) = await client.ReceiveAsync(1, Deadline);
        Assert.Equal(_correlation, id);
        return Decode<FetchResponse>(body, Version);
    }

    private async Task ProduceAsync(ConnectionHarness client, string topic, int partition, string value,
        int? expectedCorrelationFirst = null)
    {
        var builder = new RecordBatchBuilder();
        builder.Add(null, System.Text.Encoding.UTF8.GetBytes(value), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var request = new ProduceRequest
        {
            Acks = 1,
            TimeoutMs = 5000,
            TopicData =
            [
                new ProduceRequest.TopicProduceData
                {
                    Name = topic,
                    PartitionData =
                    [
                        new ProduceRequest.PartitionProduceData
                        {
                            Index = partition, Records = new ReadOnlySequence<byte>(builder.Build()),
                        },
                    ],
                },
            ],
        };
        await client.SendAsync(request, ApiKey.Produce, 9, ++_correlation);
        int produceId = _correlation;
        if (expectedCorrelationFirst is { } first)
        {
            // Responses leave in request order: the woken fetch first, carrying the record.
            (int id, byte[] body) = await client.ReceiveAsync(1, Deadline);
            Assert.Equal(first, id);
            FetchResponse woken = Decode<FetchResponse>(body, Version);
            Assert.True(woken.Responses.Single().Partitions.Single().Records!.Value.Length > 0);
        }
        (int produced, byte[] produceBody) = await client.ReceiveAsync(1, Deadline);
        Assert.Equal(produceId, produced);
        ProduceResponse response = Decode<ProduceResponse>(produceBody, 9);
        Assert.Equal(0, response.Responses.Single().PartitionResponses.Single().ErrorCode);
    }

    private static T Decode<T>(byte[] body, short version)
        where T : IKafkaMessage<T>
    {
        var reader = new KafkaReader(new ReadOnlySequence<byte>(body));
        return T.Read(ref reader, version);
    }
}
