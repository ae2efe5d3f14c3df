using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Image;

/// <summary>Every registered broker, by id.</summary>
/// <remarks>Immutable and safe to read from any thread; <see cref="TryGetBroker"/> is O(1) and allocation-free after
/// the first lookup on an image.</remarks>
public sealed class BrokersImage : KeyedImage<int, BrokerRegistration>
{
    public static BrokersImage Empty { get; } = new(ImmutableDictionary<int, BrokerRegistration>.Empty);

    internal BrokersImage(ImmutableDictionary<int, BrokerRegistration> brokers)
        : base(brokers)
    {
    }

    public bool TryGetBroker(int brokerId, [NotNullWhen(true)] out BrokerRegistration? registration) =>
        TryGet(brokerId, out registration);

    /// <summary>True when the broker is registered and not fenced: it may lead and be in an ISR.</summary>
    public bool IsUnfenced(int brokerId) => TryGet(brokerId, out BrokerRegistration? b) && !b.IsFenced;

    /// <summary>The ids of the unfenced brokers, ascending.</summary>
    public IReadOnlyList<int> UnfencedBrokerIds()
    {
        var ids = new List<int>(Count);
        foreach (BrokerRegistration b in All)
        {
            if (!b.IsFenced) ids.Add(b.BrokerId);
        }
        ids.Sort();
        return ids;
    }

    /// <summary>
    /// The broker a Metadata or DescribeCluster answer names as the controller, as KRaft brokers do: a live broker,
    /// never a controller-only node, since clients send admin requests there and any broker forwards them. The
    /// answering broker when it is unfenced (no extra hop), else the unfenced broker with the lowest id; -1 when
    /// none is.
    /// </summary>
    public int ControllerIdFor(int answeringBrokerId)
    {
        if (IsUnfenced(answeringBrokerId)) return answeringBrokerId;
        int lowest = -1;
        foreach (BrokerRegistration b in All)
        {
            if (!b.IsFenced && (lowest < 0 || b.BrokerId < lowest)) lowest = b.BrokerId;
        }
        return lowest;
    }
}
