using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Image;

/// <summary>Every registered broker, by id.</summary>
/// <remarks>Immutable and safe to read from any thread; <see cref="TryGetBroker"/> is O(1) and allocation-free after
/// the first lookup on an image.</remarks>
public sealed class BrokersImage
{
    private readonly ImageMap<int, BrokerRegistration> _brokers;

    public static BrokersImage Empty { get; } = new(ImmutableDictionary<int, BrokerRegistration>.Empty);

    internal BrokersImage(ImmutableDictionary<int, BrokerRegistration> brokers) =>
        _brokers = new ImageMap<int, BrokerRegistration>(brokers);

    public int Count => _brokers.Count;

    /// <summary>The registrations, in no particular order.</summary>
    public IEnumerable<BrokerRegistration> All => _brokers.Items.Values;

    internal ImmutableDictionary<int, BrokerRegistration> Items => _brokers.Items;

    public bool TryGetBroker(int brokerId, [NotNullWhen(true)] out BrokerRegistration? registration) =>
        _brokers.TryGetValue(brokerId, out registration);

    /// <summary>True when the broker is registered and not fenced: it may lead and be in an ISR.</summary>
    public bool IsUnfenced(int brokerId) => _brokers.TryGetValue(brokerId, out BrokerRegistration? b) && !b.IsFenced;

    /// <summary>The ids of the unfenced brokers, ascending.</summary>
    public IReadOnlyList<int> UnfencedBrokerIds()
    {
        var ids = new List<int>(_brokers.Count);
        foreach (BrokerRegistration b in _brokers.Items.Values)
        {
            if (!b.IsFenced) ids.Add(b.BrokerId);
        }
        ids.Sort();
        return ids;
    }
}
