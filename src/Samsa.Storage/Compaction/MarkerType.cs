namespace Samsa.Storage.Compaction;

/// <summary>What a control batch holds, as far as the cleaner cares.</summary>
internal enum MarkerType
{
    /// <summary>No record: a marker the cleaner already emptied; it may go.</summary>
    Empty = 0,

    Commit,

    Abort,

    /// <summary>Another control record, or one that does not decode: kept.</summary>
    Other,
}
