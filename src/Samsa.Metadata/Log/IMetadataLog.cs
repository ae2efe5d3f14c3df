namespace Samsa.Metadata.Log;

/// <summary>
/// The metadata log: an ordered, durable sequence of record batches, written by one leader and read by every
/// listener. <see cref="LocalMetadataLog"/> keeps it on one node's disk; a Raft implementation
/// (DotNext.Net.Cluster) replicates it across the controller quorum behind the same interface.
/// </summary>
/// <remarks>
/// <para>Writes: only the leader appends, naming the epoch it believes it leads in, so a deposed leader's append
/// fails instead of landing in a newer epoch. An append is atomic (all records or none) and completes when the batch
/// is committed: durable, and delivered to the listeners. Concurrent appends are serialized in the order they
/// arrive.</para>
/// <para>Reads: listeners and <see cref="ReadAsync"/> see committed batches only, in offset order. Each record takes
/// one offset, from 0.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public interface IMetadataLog : IAsyncDisposable
{
    /// <summary>This node's id.</summary>
    int NodeId { get; }

    /// <summary>The current leader and epoch, as this node knows them.</summary>
    LeaderAndEpoch Leader { get; }

    /// <summary>True when this node leads the log and may append.</summary>
    bool IsLeader => Leader.LeaderId == NodeId;

    /// <summary>The offset of the last committed record; -1 when the log is empty.</summary>
    long CommittedOffset { get; }

    /// <summary>Appends <paramref name="records"/> as one batch, atomically, and waits until it commits.</summary>
    /// <param name="leaderEpoch">The epoch the caller leads in (from <see cref="Leader"/>).</param>
    /// <param name="records">At least one record; the log owns them from now on.</param>
    /// <param name="cancellationToken">Stops the wait; the batch may still commit.</param>
    ValueTask<MetadataAppendResult> AppendAsync(int leaderEpoch, IReadOnlyList<IMetadataRecord> records,
        CancellationToken cancellationToken);

    /// <summary>The committed batches that hold offsets from <paramref name="fromOffset"/> on, up to the committed
    /// offset when the call was made.</summary>
    IAsyncEnumerable<MetadataBatch> ReadAsync(long fromOffset, CancellationToken cancellationToken);

    /// <summary>Delivers the log's committed contents to <paramref name="listener"/>, then each batch as it
    /// commits, until the returned handle is disposed.</summary>
    IDisposable Subscribe(IMetadataLogListener listener);
}
