namespace Samsa.Storage.Compaction;

/// <summary>The steps of a cleaner's swap after which a test may stop it, as a crash would.</summary>
internal enum SwapStep
{
    /// <summary>The cleaned segment is synced and renamed to <c>.swap</c>; the old segments are all there.</summary>
    RenamedToSwap,

    /// <summary>The old segments are deleted; the cleaned one still has its <c>.swap</c> names.</summary>
    DeletedReplaced,
}
