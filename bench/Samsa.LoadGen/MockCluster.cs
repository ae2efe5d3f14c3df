using Confluent.Kafka;

namespace Samsa.LoadGen;

// librdkafka's in-memory mock cluster (test.mock.num.brokers): a broker inside the client that keeps messages in memory
// and validates and persists nothing. It lives as long as the client that created it; other clients reach it on the
// loopback port its metadata lists. The reference rows run against it: an upper bound for what the client side of this
// generator can push through on this machine.
internal sealed class MockCluster : IDisposable
{
    private readonly IProducer<Null, byte[]> _host;

    public MockCluster()
    {
        var config = new ProducerConfig { BootstrapServers = "mock" };
        config.Set("test.mock.num.brokers", "1");
        _host = new ProducerBuilder<Null, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        using IAdminClient admin = new DependentAdminClientBuilder(_host.Handle).Build();
        Metadata metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        BrokerMetadata broker = metadata.Brokers[0];
        Bootstrap = $"{broker.Host}:{broker.Port}";
    }

    public string Bootstrap { get; }

    public void Dispose() => _host.Dispose();
}
