using Microsoft.Extensions.Logging;
using Samsa.Metadata.Network;

namespace Samsa.Broker.Replication;

// After each image (and after the replica manager has opened the replicas it names), the partitions this broker
// follows are grouped by leader; each leader gets one fetcher, created when first needed and stopped when this broker
// follows nothing there any more. A leader without an endpoint on the inter-broker listener (fenced, gone) gets no
// fetcher: its partitions wait for the next image.
/// <summary>Runs one <see cref="ReplicaFetcher"/> per leader broker this broker follows partitions of.</summary>
/// <remarks><see cref="OnMetadataUpdate"/> runs on the metadata thread; fetchers run on their own.</remarks>
internal sealed class ReplicaFetcherManager(ReplicaManager replicas, string interBrokerListener,
    ReplicaFetcherOptions options, TimeProvider time, ILoggerFactory loggers) : IMetadataPublisher, IAsyncDisposable
{
    private readonly Dictionary<int, ReplicaFetcher> _fetchers = [];
    private readonly ILogger _logger = loggers.CreateLogger("Samsa.Broker.Replication");
    private bool _disposed;

    /// <summary>The leaders fetched from now, for tests.</summary>
    public IReadOnlyCollection<int> Leaders
    {
        get
        {
            lock (_fetchers) return [.. _fetchers.Keys];
        }
    }

    public void OnMetadataUpdate(MetadataImage previous, MetadataImage image, MetadataDelta? delta)
    {
        int self = replicas.NodeId;
        long brokerEpoch = image.Brokers.TryGetBroker(self, out BrokerRegistration? me) ? me.BrokerEpoch : -1;
        var byLeader = replicas.Partitions
            .Where(p => !p.State.IsLeader && p.State.Leader >= 0 && p.State.Leader != self)
            .GroupBy(p => p.State.Leader)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Partition>)[.. g]);
        var stale = new List<ReplicaFetcher>();
        lock (_fetchers)
        {
            if (_disposed) return;
            foreach ((int leader, ReplicaFetcher fetcher) in _fetchers.ToList())
            {
                if (byLeader.ContainsKey(leader) && Reachable(image, leader, out string? endpoint)
                    && endpoint == fetcher.Endpoint)
                    continue;
                _fetchers.Remove(leader);
                stale.Add(fetcher);
            }
            foreach ((int leader, IReadOnlyList<Partition> partitions) in byLeader)
            {
                if (!_fetchers.TryGetValue(leader, out ReplicaFetcher? fetcher))
                {
                    if (!image.Brokers.TryGetBroker(leader, out BrokerRegistration? broker)
                        || !broker.TryGetEndpoint(interBrokerListener, out BrokerEndpoint at))
                        continue;
                    fetcher = new ReplicaFetcher(self, leader, at.Host, at.Port, options, time, _logger);
                    _fetchers[leader] = fetcher;
                }
                fetcher.Follow(partitions, brokerEpoch);
            }
        }
        // Stopping waits for a fetch in flight; never on the metadata thread.
        foreach (ReplicaFetcher fetcher in stale) _ = fetcher.DisposeAsync().AsTask();
    }

    private bool Reachable(MetadataImage image, int leader, out string? endpoint)
    {
        endpoint = null;
        if (!image.Brokers.TryGetBroker(leader, out BrokerRegistration? broker)
            || !broker.TryGetEndpoint(interBrokerListener, out BrokerEndpoint at))
            return false;
        endpoint = $"{at.Host}:{at.Port}";
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        List<ReplicaFetcher> fetchers;
        lock (_fetchers)
        {
            _disposed = true;
            fetchers = [.. _fetchers.Values];
            _fetchers.Clear();
        }
        foreach (ReplicaFetcher fetcher in fetchers) await fetcher.DisposeAsync().ConfigureAwait(false);
    }
}
