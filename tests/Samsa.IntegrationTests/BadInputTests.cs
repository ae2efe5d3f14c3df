using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Samsa.IntegrationTests.Support;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Records;
using ErrorCode = Samsa.Protocol.ErrorCode;

namespace Samsa.IntegrationTests;

/// <summary>
/// Hostile bytes on raw sockets: each gets the Kafka error or a closed connection, never a hang or a crash, and
/// a Confluent.Kafka producer and consumer, connected throughout, round-trip a message after every step.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    private const int MaxRequestBytes = 1024 * 1024;
    private const string ControlTopic = "bad-input-control";
    private const string CrcTopic = "bad-crc";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private string _bootstrap = "";
    private IProducer<byte[]?, byte[]?> _producer = null!;
    private IConsumer<byte[]?, byte[]?> _consumer = null!;
    private int _roundTrips;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hostile_frames_get_an_error_or_a_closed_connection_while_a_real_client_keeps_working()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync(p =>
            p["socket.request.max.bytes"] = MaxRequestBytes.ToString(CultureInfo.InvariantCulture));
        _bootstrap = cluster.BootstrapServers;
        using IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer(c => c.LingerMs = 0);
        using IConsumer<byte[]?, byte[]?> consumer = cluster.CreateConsumer(c => c.FetchWaitMaxMs = 100);
        _producer = producer;
        _consumer = consumer;
        await producer.ProduceAsync(ControlTopic,
            new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(0) }, Ct);
        await producer.ProduceAsync(CrcTopic, new Message<byte[]?, byte[]?> { Value = "seed"u8.ToArray() }, Ct);
        consumer.Assign(new TopicPartitionOffset(ControlTopic, 0, Offset.Beginning));
        await RoundTripAsync("start");

        foreach ((string name, Func<string, Task> run) in HostileSteps())
        {
            await run(name);
            await RoundTripAsync(name);
        }
    }

    /// <summary>Each hostile input, named, as a step that sends it and checks the broker's answer.</summary>
    private (string Name, Func<string, Task> Run)[] HostileSteps() =>
    [
        ("a frame over socket.request.max.bytes", OversizedFrameClosesTheConnectionAsync),
        ("a frame of int.MaxValue bytes", s => SizeClosesTheConnectionAsync(s, int.MaxValue)),
        ("a negative length (-1)", s => SizeClosesTheConnectionAsync(s, -1)),
        ("a negative length (int.MinValue)", s => SizeClosesTheConnectionAsync(s, int.MinValue)),
        ("a truncated frame, then close", TruncatedFrameThenCloseAsync),
        ("a frame shorter than a request header", FrameShorterThanHeaderClosesAsync),
        ("a Metadata request cut short inside its frame", TruncatedBodyClosesAsync),
        ("an absurd array count", AbsurdArrayCountAsync),
        ("random garbage", RandomGarbageAsync),
        ("random bodies behind valid headers", RandomBodiesBehindValidHeadersAsync),
        ("an unknown API key", UnknownApiKeyClosesAsync),
        ("Produce v2, below the served versions", ProduceBelowServedVersionsAsync),
        ("Metadata v99, beyond the definitions", MetadataBeyondDefinitionsAsync),
        ("ApiVersions v99", ApiVersionsBeyondServedAsync),
        ("a Produce batch with a bad CRC", BadCrcAsync),
    ];

    /// <summary>The real producer sends the next control message and the real consumer must receive it.</summary>
    private async Task RoundTripAsync(string afterStep)
    {
        int n = ++_roundTrips;
        if (n > 1)
        {
            await _producer.ProduceAsync(ControlTopic,
                new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(n - 1) }, Ct);
        }
        ConsumeResult<byte[]?, byte[]?>? received = _consumer.Consume(Deadline);
        Assert.True(received is not null,
            $"after {afterStep}: the real consumer received nothing within {Deadline}");
        Assert.Equal(n - 1, BitConverter.ToInt32(received.Message.Value!));
    }

    private async Task BadCrcAsync(string step)
    {
        foreach (short version in new short[] { 3, 9, 11 })
        {
            await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(_bootstrap);
            long before = HighWatermark(_consumer, CrcTopic);

            byte[] corrupt = BuildBatch();
            int at = corrupt.AsSpan().IndexOf("payload-1"u8);
            corrupt[at] ^= 0x01;
            ProduceResponse.PartitionProduceResponse rejected =
                await ProduceRawAsync(raw, version, correlationId: 100 + version, corrupt, step);
            Assert.True(rejected.ErrorCode == (short)ErrorCode.CorruptMessage,
                $"{step} (Produce v{version}): expected CORRUPT_MESSAGE (2), "
                + $"got {rejected.ErrorCode} {rejected.ErrorMessage}");
            Assert.Equal(before, HighWatermark(_consumer, CrcTopic));

            // The same connection still serves: the intact batch is stored where the corrupt one was not.
            ProduceResponse.PartitionProduceResponse accepted =
                await ProduceRawAsync(raw, version, correlationId: 200 + version, BuildBatch(), step);
            Assert.True(accepted.ErrorCode == 0,
                $"{step} (Produce v{version}): the intact batch got {accepted.ErrorCode} {accepted.ErrorMessage}");
            Assert.Equal(before, accepted.BaseOffset);
            Assert.Equal(before + 3, HighWatermark(_consumer, CrcTopic));
            output.WriteLine($"{step} (Produce v{version}): CORRUPT_MESSAGE \"{rejected.ErrorMessage}\"; "
                + $"the intact batch then stored at offset {accepted.BaseOffset}");
        }
    }

    private async Task ProduceBelowServedVersionsAsync(string step)
    {
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(_bootstrap);
        const short version = 2;
        await raw.SendAsync(
            RawKafkaConnection.EncodeRequest(ApiKey.Produce, version, 7, ProduceRequestFor(BuildBatch())));
        byte[]? frame = await raw.ReadFrameAsync(Deadline);
        Assert.True(frame is not null, $"{step}: the broker closed the connection instead of answering");
        (int correlationId, ProduceResponse response) =
            RawKafkaConnection.DecodeResponse<ProduceResponse>(frame, ApiKey.Produce, version);
        Assert.Equal(7, correlationId);
        ProduceResponse.PartitionProduceResponse partition =
            Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal((short)ErrorCode.UnsupportedVersion, partition.ErrorCode);
        output.WriteLine($"{step}: answered UNSUPPORTED_VERSION");
    }

    private static async Task<ProduceResponse.PartitionProduceResponse> ProduceRawAsync(RawKafkaConnection raw,
        short version, int correlationId, byte[] batch, string step)
    {
        Assert.True(await raw.SendAsync(RawKafkaConnection.EncodeRequest(ApiKey.Produce, version, correlationId,
            ProduceRequestFor(batch))), $"{step}: the broker closed the connection before the request was sent");
        byte[]? frame = await raw.ReadFrameAsync(Deadline);
        Assert.True(frame is not null,
            $"{step} (Produce v{version}): the broker closed the connection instead of answering");
        (int answeredId, ProduceResponse response) =
            RawKafkaConnection.DecodeResponse<ProduceResponse>(frame, ApiKey.Produce, version);
        Assert.Equal(correlationId, answeredId);
        ProduceResponse.TopicProduceResponse topic = Assert.Single(response.Responses);
        Assert.Equal(CrcTopic, topic.Name);
        return Assert.Single(topic.PartitionResponses);
    }

    private async Task OversizedFrameClosesTheConnectionAsync(string step)
    {
        // Only the size and the start of the body are sent: the broker must refuse on the size, not wait for it.
        byte[] bytes = new byte[4 + 64];
        BinaryPrimitives.WriteInt32BigEndian(bytes, MaxRequestBytes + 1);
        await ExpectClosedAsync(bytes, step);
    }

    private Task SizeClosesTheConnectionAsync(string step, int size)
    {
        byte[] bytes = new byte[4 + 16];
        BinaryPrimitives.WriteInt32BigEndian(bytes, size);
        return ExpectClosedAsync(bytes, step);
    }

    private async Task TruncatedFrameThenCloseAsync(string step)
    {
        byte[] whole = RawKafkaConnection.EncodeRequest(ApiKey.ApiVersions, 3, 1, new ApiVersionsRequest
        {
            ClientSoftwareName = "samsa-bad-input",
            ClientSoftwareVersion = "1",
        });
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(_bootstrap);
        await raw.SendAsync(whole.AsMemory(0, whole.Length / 2));
        raw.ShutdownSend();
        Assert.True(await raw.ReadFrameAsync(Deadline) is null, $"{step}: the broker answered half a request");
        output.WriteLine($"{step}: closed");
    }

    private Task FrameShorterThanHeaderClosesAsync(string step) =>
        ExpectClosedAsync([0, 0, 0, 2, 0, 3], step);

    private Task TruncatedBodyClosesAsync(string step)
    {
        byte[] whole = RawKafkaConnection.EncodeRequest(ApiKey.Metadata, 12, 3, new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { Name = "a-topic-name-long-enough-to-cut" }],
        });
        // Keep the header and part of the body, and make the size prefix match what is sent: the frame is
        // complete, its body is not.
        byte[] cut = whole[..(whole.Length - 12)];
        BinaryPrimitives.WriteInt32BigEndian(cut, cut.Length - 4);
        return ExpectClosedAsync(cut, step);
    }

    private Task AbsurdArrayCountAsync(string step)
    {
        // Metadata v4: topics is an int32-counted array; claim int.MaxValue topics and send none.
        byte[] body = new byte[5];
        BinaryPrimitives.WriteInt32BigEndian(body, int.MaxValue);
        return ExpectAnswerOrCloseAsync(RawKafkaConnection.EncodeRequest(ApiKey.Metadata, 4, 4, body), step);
    }

    private async Task RandomGarbageAsync(string step)
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            byte[] garbage = new byte[1024];
            new Random(seed).NextBytes(garbage);
            await ExpectAnswerOrCloseAsync(garbage, $"{step} (seed {seed})", halfClose: true);

            // The same garbage behind a size prefix that matches it, so it reaches the header decoder.
            byte[] framed = new byte[4 + garbage.Length];
            BinaryPrimitives.WriteInt32BigEndian(framed, garbage.Length);
            garbage.CopyTo(framed, 4);
            await ExpectAnswerOrCloseAsync(framed, $"{step} (framed, seed {seed})");
        }
    }

    private async Task RandomBodiesBehindValidHeadersAsync(string step)
    {
        (ApiKey Key, short Version)[] apis =
        [
            (ApiKey.Produce, 9), (ApiKey.Produce, 3), (ApiKey.Fetch, 12), (ApiKey.Fetch, 4), (ApiKey.Metadata, 12),
            (ApiKey.Metadata, 1), (ApiKey.ListOffsets, 6), (ApiKey.ApiVersions, 3), (ApiKey.CreateTopics, 7),
        ];
        for (int seed = 1; seed <= 3; seed++)
        {
            var random = new Random(seed);
            foreach ((ApiKey key, short version) in apis)
            {
                byte[] body = new byte[random.Next(1, 300)];
                random.NextBytes(body);
                await ExpectAnswerOrCloseAsync(RawKafkaConnection.EncodeRequest(key, version, seed, body),
                    $"{step} ({key} v{version}, seed {seed})");
            }
        }
    }

    private Task UnknownApiKeyClosesAsync(string step) =>
        ExpectClosedAsync(RawKafkaConnection.EncodeRequest((ApiKey)32000, 0, 5, ReadOnlySpan<byte>.Empty), step);

    private Task MetadataBeyondDefinitionsAsync(string step) =>
        ExpectAnswerOrCloseAsync(RawKafkaConnection.EncodeRequest(ApiKey.Metadata, 99, 6, new MetadataRequest()), step);

    private async Task ApiVersionsBeyondServedAsync(string step)
    {
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(_bootstrap);
        var request = new ApiVersionsRequest { ClientSoftwareName = "samsa-bad-input", ClientSoftwareVersion = "1" };
        byte[] v99 = RawKafkaConnection.EncodeRequest(ApiKey.ApiVersions, 3, 8, request);
        BinaryPrimitives.WriteInt16BigEndian(v99.AsSpan(6), 99);   // the header's api version, after size and key
        await raw.SendAsync(v99);
        byte[]? frame = await raw.ReadFrameAsync(Deadline);
        Assert.True(frame is not null, $"{step}: the broker closed the connection instead of answering at v0");
        (int correlationId, ApiVersionsResponse response) =
            RawKafkaConnection.DecodeResponse<ApiVersionsResponse>(frame, ApiKey.ApiVersions, 0);
        Assert.Equal(8, correlationId);
        Assert.Equal((short)ErrorCode.UnsupportedVersion, response.ErrorCode);
        AssertAdvertises(response, ApiKey.ApiVersions, 0, 4);
        AssertAdvertises(response, ApiKey.Produce, 3, 11);
        Assert.Contains(response.ApiKeys, a => a.ApiKey == (short)ApiKey.Fetch);
        Assert.Contains(response.ApiKeys, a => a.ApiKey == (short)ApiKey.Metadata);

        // KIP-511: the client retries on the same connection with a version from the list.
        await raw.SendAsync(RawKafkaConnection.EncodeRequest(ApiKey.ApiVersions, 3, 9, request));
        frame = await raw.ReadFrameAsync(Deadline);
        Assert.True(frame is not null, $"{step}: the retry at v3 was not answered");
        (correlationId, ApiVersionsResponse retried) =
            RawKafkaConnection.DecodeResponse<ApiVersionsResponse>(frame, ApiKey.ApiVersions, 3);
        Assert.Equal(9, correlationId);
        Assert.Equal(0, retried.ErrorCode);
        Assert.Equal(response.ApiKeys.Count, retried.ApiKeys.Count);
        output.WriteLine($"{step}: answered at v0 with UNSUPPORTED_VERSION and {response.ApiKeys.Count} APIs; "
            + "the retry at v3 on the same connection succeeded");
    }

    private static void AssertAdvertises(ApiVersionsResponse response, ApiKey key, short min, short max)
    {
        ApiVersionsResponse.ApiVersion? api = response.ApiKeys.Find(a => a.ApiKey == (short)key);
        Assert.True(api is not null, $"ApiVersions does not list {key}");
        Assert.Equal((min, max), (api.MinVersion, api.MaxVersion));
    }

    /// <summary>Sends bytes and expects the broker to close the connection without answering.</summary>
    private async Task ExpectClosedAsync(byte[] bytes, string step)
    {
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(_bootstrap);
        await raw.SendAsync(bytes);
        byte[]? frame = await raw.ReadFrameAsync(Deadline);
        Assert.True(frame is null,
            $"{step}: expected the broker to close the connection, it answered {frame?.Length} bytes");
        output.WriteLine($"{step}: closed");
    }

    /// <summary>
    /// Sends bytes and expects an answer or a close, not silence. With <paramref name="halfClose"/> the client
    /// then ends its side, so a broker waiting for the rest of a frame closes too; the test only fails on a hang.
    /// </summary>
    private async Task ExpectAnswerOrCloseAsync(byte[] bytes, string step, bool halfClose = false)
    {
        await using RawKafkaConnection raw = await RawKafkaConnection.ConnectAsync(_bootstrap);
        if (!await raw.SendAsync(bytes))
        {
            output.WriteLine($"{step}: closed while sending");
            return;
        }
        if (halfClose) raw.ShutdownSend();
        int answers = 0;
        try
        {
            while (await raw.ReadFrameAsync(Deadline) is not null)
            {
                answers++;
                if (!halfClose) break;   // answered; with a half-close, read on until the broker closes too
            }
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"{step}: {e.Message}");
        }
        output.WriteLine($"{step}: {(answers == 0 ? "closed" : $"answered ({answers} frames)")}");
    }

    private static long HighWatermark(IConsumer<byte[]?, byte[]?> consumer, string topic) =>
        consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), Deadline).High.Value;

    private static byte[] BuildBatch()
    {
        var builder = new RecordBatchBuilder();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < 3; i++)
            builder.Add(Encoding.UTF8.GetBytes("key-" + i), Encoding.UTF8.GetBytes("payload-" + i), now);
        return builder.Build();
    }

    private static ProduceRequest ProduceRequestFor(byte[] batch) => new()
    {
        Acks = -1,
        TimeoutMs = 10_000,
        TopicData =
        [
            new ProduceRequest.TopicProduceData
            {
                Name = CrcTopic,
                PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new(batch) }],
            },
        ],
    };
}
