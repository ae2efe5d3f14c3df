namespace Samsa.Metadata.Controller;

/// <summary>Where <see cref="LeaderElection.Elect"/> found a leader.</summary>
internal enum ElectionKind
{
    /// <summary>No replica may lead.</summary>
    None,

    /// <summary>An in-sync replica: nothing acknowledged is lost.</summary>
    Isr,

    /// <summary>An eligible leader replica (KIP-966), with the ISR empty: it holds every acknowledged record, and
    /// becomes the ISR.</summary>
    Elr,

    /// <summary>The last known leader, with ISR and ELR empty: no replica is known to hold every acknowledged record,
    /// and this one held the most when the partition lost its ISR. It becomes the ISR; records may be lost.</summary>
    LastKnownLeader,

    /// <summary>Any replica, under <c>unclean.leader.election.enable</c>. It becomes the ISR; records may be
    /// lost.</summary>
    Unclean,
}
