using Samsa.Storage.Compaction;

namespace Samsa.Storage;

public sealed partial class LogCleaner
{
    /// <summary>The state of one pass over one log.</summary>
    private sealed class Pass(PartitionLog log, LogSegment[] segments, int truncations, long now, LogScan scan,
        long firstDirtyOffset)
    {
        public PartitionLog Log { get; } = log;

        /// <summary>Every segment when the pass began, acquired; the last is the active one.</summary>
        public LogSegment[] Segments { get; } = segments;

        public int Truncations { get; } = truncations;

        public long Now { get; } = now;

        public LogOptions Options { get; } = log.Options;

        public LogScan Scan { get; } = scan;

        public long FirstDirtyOffset { get; } = firstDirtyOffset;

        /// <summary>The end of the mapped range: records from here on are kept as they are.</summary>
        public long MapEnd { get; set; } = firstDirtyOffset;

        public long NextDeleteHorizon { get; set; } = long.MaxValue;

        public int SegmentsRewritten { get; set; }

        public long BytesRead { get; set; }

        public long BytesWritten { get; set; }

        public long RecordsRead { get; set; }

        public long RecordsKept { get; set; }

        public long NullKeys { get; set; }

        public bool WarnedUndecodable { get; set; }
    }
}
