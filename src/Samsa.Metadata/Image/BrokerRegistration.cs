using System.Collections.Immutable;

namespace Samsa.Metadata.Image;

/// <summary>A registered broker: its incarnation, epoch, endpoints, rack and whether it is fenced.</summary>
/// <remarks>Immutable; a change makes a new registration.</remarks>
public sealed class BrokerRegistration
{
    public BrokerRegistration(int brokerId, Guid incarnationId, long brokerEpoch,
        ImmutableArray<BrokerEndpoint> endpoints, string? rack, bool isFenced, ImmutableArray<Guid> logDirs = default)
    {
        LogDirs = logDirs.IsDefault ? [] : logDirs;
        BrokerId = brokerId;
        IncarnationId = incarnationId;
        BrokerEpoch = brokerEpoch;
        Endpoints = endpoints.IsDefault ? [] : endpoints;
        Rack = rack;
        IsFenced = isFenced;
    }

    /// <summary>The broker id (<c>node.id</c>).</summary>
    public int BrokerId { get; }

    /// <summary>The random id the broker chose when it started: a new one means the broker restarted.</summary>
    public Guid IncarnationId { get; }

    /// <summary>The epoch of this registration; heartbeats and ISR changes must carry it.</summary>
    public long BrokerEpoch { get; }

    /// <summary>The advertised listeners.</summary>
    public ImmutableArray<BrokerEndpoint> Endpoints { get; }

    /// <summary>The rack (<c>broker.rack</c>), or null.</summary>
    public string? Rack { get; }

    /// <summary>True while the broker may not lead or join an ISR.</summary>
    public bool IsFenced { get; }

    /// <summary>The ids of its log directories, as it registered them; empty when it did not say.</summary>
    public ImmutableArray<Guid> LogDirs { get; }

    /// <summary>The endpoint of the named listener, if the broker advertises it.</summary>
    public bool TryGetEndpoint(string listenerName, out BrokerEndpoint endpoint)
    {
        foreach (BrokerEndpoint e in Endpoints)
        {
            if (string.Equals(e.Name, listenerName, StringComparison.Ordinal))
            {
                endpoint = e;
                return true;
            }
        }
        endpoint = default;
        return false;
    }

    internal BrokerRegistration WithFenced(bool isFenced) =>
        isFenced == IsFenced
            ? this
            : new BrokerRegistration(BrokerId, IncarnationId, BrokerEpoch, Endpoints, Rack, isFenced, LogDirs);

    internal static BrokerRegistration FromRecord(RegisterBrokerRecord record)
    {
        var endpoints = ImmutableArray.CreateBuilder<BrokerEndpoint>(record.Endpoints.Count);
        foreach (RegisterBrokerRecord.BrokerEndpoint e in record.Endpoints)
            endpoints.Add(new BrokerEndpoint(e.Name, e.Host, e.Port, e.SecurityProtocol));
        return new BrokerRegistration(record.BrokerId, record.IncarnationId, record.BrokerEpoch,
            endpoints.MoveToImmutable(), record.Rack, record.Fenced, [.. record.LogDirs]);
    }

    /// <summary>The record that registers this broker as it is now (for snapshots).</summary>
    public RegisterBrokerRecord ToRecord()
    {
        var endpoints = new List<RegisterBrokerRecord.BrokerEndpoint>(Endpoints.Length);
        foreach (BrokerEndpoint e in Endpoints)
        {
            endpoints.Add(new RegisterBrokerRecord.BrokerEndpoint
            {
                Name = e.Name,
                Host = e.Host,
                Port = checked((ushort)e.Port),
                SecurityProtocol = e.SecurityProtocol,
            });
        }
        return new RegisterBrokerRecord
        {
            BrokerId = BrokerId,
            IncarnationId = IncarnationId,
            BrokerEpoch = BrokerEpoch,
            Endpoints = endpoints,
            Rack = Rack,
            Fenced = IsFenced,
            LogDirs = [.. LogDirs],
        };
    }
}
