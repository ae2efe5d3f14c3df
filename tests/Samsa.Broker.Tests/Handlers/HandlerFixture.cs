using System.Buffers;
using System.Collections.Immutable;
using System.Net;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Samsa.Broker.Handlers;
using Samsa.Broker.Replication;
using Samsa.Metadata.Configs;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Log;
using Samsa.Protocol;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;
using Samsa.Storage;

namespace Samsa.Broker.Tests.Handlers;

// Broker 1 of a one-node cluster in memory: a metadata log, loader and controller, a log manager over a temporary
// directory and the replica manager following the image. Requests go through a handler as bytes and the response
// comes back as bytes, so each test also checks that the response can be written at the version asked for.
internal sealed class HandlerFixture : IAsyncDisposable
{
    public const int NodeId = 1;
    public const string ClusterId = "handler-tests";

    private readonly IDisposable _subscription;
    private readonly Dictionary<int, long> _brokerEpochs = [];
    private readonly TempDirectory _directory = new("samsa-handlers-");

    private HandlerFixture(IReadOnlyDictionary<string, string> staticConfigs, MetadataControllerOptions options)
    {
        Log = new MemoryMetadataLog(NodeId, Time);
        Loader = new MetadataLoader();
        _subscription = Log.Subscribe(Loader);
        Controller = new MetadataController(Log, Loader, options, ConfigDefValidator.Instance, Time,
            NullLogger.Instance, new Random(7));
        Options = new BrokerOptions { NodeId = NodeId, Configs = new BrokerConfigValues(staticValues: staticConfigs) };
        Logs = LogManager.Open(new LogManagerOptions { LogDirs = [Directory], ClusterId = ClusterId, NodeId = NodeId },
            time: Time);
        Replicas = new ReplicaManager(NodeId, Logs, Options.Configs, NullLogger.Instance);
        Loader.AddPublisher(Replicas);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public string Directory => _directory.Path;

    public MemoryMetadataLog Log { get; }

    public MetadataLoader Loader { get; }

    public MetadataController Controller { get; }

    public BrokerOptions Options { get; }

    public LogManager Logs { get; }

    public ReplicaManager Replicas { get; }

    public MetadataImage Image => Loader.Current;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Bootstraps the cluster id and brings up broker 1 (and any others), unfenced.</summary>
    public static async Task<HandlerFixture> StartAsync(IReadOnlyDictionary<string, string>? staticConfigs = null,
        MetadataControllerOptions? options = null, params int[] otherBrokers)
    {
        var fixture = new HandlerFixture(staticConfigs ?? new Dictionary<string, string>(),
            options ?? new MetadataControllerOptions());
        Assert.True((await fixture.Controller.BootstrapAsync(ClusterId, Ct)).IsOk);
        await fixture.StartBrokerAsync(NodeId);
        foreach (int id in otherBrokers) await fixture.StartBrokerAsync(id);
        return fixture;
    }

    public async Task StartBrokerAsync(int brokerId)
    {
        BrokerRegistrationResult registered = await Controller.RegisterBrokerAsync(new BrokerRegistrationRequest(
            brokerId, Guid.NewGuid(), ClusterId, [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9090 + brokerId, 0)],
            Rack: brokerId == NodeId ? "rack-a" : null), Ct);
        Assert.Equal(ControllerStatus.Ok, registered.Status);
        _brokerEpochs[brokerId] = registered.BrokerEpoch;
        await HeartbeatAsync(brokerId);
    }

    public async Task<BrokerHeartbeatResult> HeartbeatAsync(int brokerId, bool wantFence = false)
    {
        BrokerHeartbeatResult result = await Controller.HeartbeatAsync(
            new BrokerHeartbeatRequest(brokerId, _brokerEpochs[brokerId], Log.CommittedOffset, wantFence), Ct);
        Assert.Equal(ControllerStatus.Ok, result.Status);
        return result;
    }

    public async Task CreateTopicAsync(string name, int partitions = 1,
        IReadOnlyList<KeyValuePair<string, string?>>? configs = null, params int[] replicas)
    {
        NewTopic topic = replicas.Length == 0
            ? new NewTopic(name, partitions, 1, Configs: configs)
            : new NewTopic(name, -1, -1, [new ReplicaAssignment(0, replicas)], configs);
        CreateTopicResult result = Assert.Single(await Controller.CreateTopicsAsync([topic], false, Ct));
        Assert.True(result.Status == ControllerStatus.Ok, result.Message);
    }

    public TopicImage Topic(string name)
    {
        Assert.True(Image.Topics.TryGetTopic(name, out TopicImage? topic), name);
        return topic;
    }

    public Partition Partition(string topic, int partition = 0)
    {
        Assert.True(Replicas.TryGetPartition(topic, partition, out Partition? result), $"{topic}-{partition}");
        return result!;
    }

    /// <summary>Appends <paramref name="records"/> one-record batches as the partition's leader.</summary>
    public async Task AppendAsync(string topic, int records, int partition = 0)
    {
        Partition p = Partition(topic, partition);
        for (int i = 0; i < records; i++)
        {
            byte[] batch = new RecordBatchBuilder().Add([(byte)i], [1, 2, 3], 1_700_000_000_000 + i).Build();
            AppendResult result = await p.AppendAsLeaderAsync(batch);
            Assert.Equal(AppendStatus.Ok, result.Status);
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> at <paramref name="version"/> through <paramref name="handler"/> as the
    /// wire would, and reads the response back from the bytes written at that version.
    /// </summary>
    public static async Task<TResponse> SendAsync<TRequest, TResponse>(IApiHandler handler, TRequest request,
        short version)
        where TRequest : IKafkaMessage<TRequest>
        where TResponse : IKafkaMessage<TResponse>
    {
        byte[] body = Write(request, version);
        IKafkaMessage? response = await Start(handler, KeyOf(handler), version, body);
        Assert.NotNull(response);
        byte[] bytes = Write(response, version);
        return Read<TResponse>(bytes, version);
    }

    /// <summary>Like <see cref="SendAsync"/>, for the response a handler gives when the whole request fails.</summary>
    public static TResponse ErrorResponse<TRequest, TResponse>(IApiHandler handler, TRequest request, short version,
        ErrorCode error)
        where TRequest : IKafkaMessage<TRequest>
        where TResponse : IKafkaMessage<TResponse>
    {
        var reader = new KafkaReader(Write(request, version));
        IKafkaMessage response = handler.ErrorResponse(Context(KeyOf(handler), version), ref reader, error);
        return Read<TResponse>(Write(response, version), version);
    }

    private static ValueTask<IKafkaMessage?> Start(IApiHandler handler, ApiKey key, short version, byte[] body)
    {
        var reader = new KafkaReader(body);
        ValueTask<IKafkaMessage?> pending = handler.HandleAsync(Context(key, version), ref reader, Ct);
        Assert.Equal(0, reader.Remaining);
        return pending;
    }

    private static ApiKey KeyOf(IApiHandler handler) =>
        handler.GetType().GetCustomAttribute<ApiHandlerAttribute>()!.Key;

    private static RequestContext Context(ApiKey key, short version) =>
        new(key, version, 1, "tests", "connection-1", new IPEndPoint(IPAddress.Loopback, 50000), "PLAINTEXT");

    public static byte[] Write(IKafkaMessage message, short version)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        message.Write(ref writer, version);
        writer.Flush();
        Assert.Equal(message.GetSize(version), buffer.WrittenCount);
        return buffer.WrittenSpan.ToArray();
    }

    private static TResponse Read<TResponse>(byte[] bytes, short version)
        where TResponse : IKafkaMessage<TResponse>
    {
        var reader = new KafkaReader(bytes);
        TResponse response = TResponse.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return response;
    }

    public static ImmutableArray<int> Ids(params int[] ids) => [.. ids];

    public async ValueTask DisposeAsync()
    {
        await Controller.DisposeAsync();
        _subscription.Dispose();
        await Log.DisposeAsync();
        Logs.Close();
        _directory.Dispose();
    }
}
