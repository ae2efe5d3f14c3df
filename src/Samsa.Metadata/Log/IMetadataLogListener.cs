namespace Samsa.Metadata.Log;

/// <summary>Receives the committed contents of the metadata log, in order.</summary>
/// <remarks>
/// The log never calls one listener concurrently, and calls it in offset order: first the latest snapshot, if the log
/// has one and the listener is behind it, then every committed batch after it, then each batch as it commits. Calls
/// come from the log's own thread (the appending thread for the local log, the commit thread for a replicated one)
/// and must return quickly: apply, publish, and hand any slow work elsewhere. A listener that throws is logged and
/// keeps receiving batches; its state is then suspect, so it should not throw.
/// </remarks>
public interface IMetadataLogListener
{
    /// <summary>Replace all state with the snapshot's.</summary>
    void OnSnapshot(MetadataSnapshot snapshot);

    /// <summary>Apply a committed batch.</summary>
    void OnCommit(MetadataBatch batch);
}
