namespace Samsa.Protocol.Records;

/// <summary>
/// The type in a control record's key (protocol/docs/implementation.html, "Control Batches").
/// Values are Kafka's.
/// </summary>
public enum ControlRecordType : short
{
    /// <summary>End of a transaction that aborted: consumers drop its records.</summary>
    Abort = 0,

    /// <summary>End of a transaction that committed.</summary>
    Commit = 1,

    /// <summary>KRaft: the quorum's leader changed.</summary>
    LeaderChange = 2,

    /// <summary>KRaft: the first record of a metadata snapshot.</summary>
    SnapshotHeader = 3,

    /// <summary>KRaft: the last record of a metadata snapshot.</summary>
    SnapshotFooter = 4,

    /// <summary>KRaft: the quorum's kraft.version.</summary>
    KRaftVersion = 5,

    /// <summary>KRaft: the set of voters.</summary>
    KRaftVoters = 6,
}
