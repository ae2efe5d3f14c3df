using Confluent.Kafka;

namespace Samsa.GoldenCapture;

/// <summary>
/// librdkafka's in-process mock cluster, owned by an admin client configured with <c>test.mock.num.brokers=1</c>.
/// The cluster lives as long as that client; its broker listens on a real loopback port that other clients in
/// this process can reach. This client talks to the mock directly and is not recorded.
/// </summary>
internal sealed class MockCluster : IDisposable
{
    private readonly IAdminClient _owner;

    private MockCluster(IAdminClient owner, string host, int port)
    {
        _owner = owner;
        Host = host;
        Port = port;
    }

    public string Host { get; }

    public int Port { get; }

    public static MockCluster Start(TimeSpan timeout)
    {
        var config = new AdminClientConfig { ClientId = "golden-mock-owner" };
        config.Set("test.mock.num.brokers", "1");
        IAdminClient owner = new AdminClientBuilder(config).SetLogHandler(Log.Librdkafka).Build();
        try
        {
            Metadata metadata = owner.GetMetadata(timeout);
            BrokerMetadata broker = metadata.Brokers.Single();
            return new MockCluster(owner, broker.Host, broker.Port);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    public void Dispose() => _owner.Dispose();
}
