using Samsa.Protocol.Records;
using Samsa.Storage.Segments;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

// The pieces compaction stands on: reading rolled segments batch by batch and swapping in a cleaned segment.
public sealed class CleaningTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_cleaned_segment_replaces_the_segments_it_was_made_from(bool crashAfterwards)
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 400 });
        for (int i = 0; i < 12; i++)
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 50, fill: (byte)i));
        List<byte[]> before = test.ReadAll();
        long[] bases = test.Log.SegmentBaseOffsets();
        Assert.True(bases.Length >= 4);

        // Keep every other batch of the first two segments, offsets unchanged.
        LogSegment cleaned = LogSegment.CreateCleaned(test.PartitionPath, bases[0], faults: null);
        LogSegment[] rolled = test.Log.AcquireSegments(out int truncations);
        var kept = new List<byte[]>();
        foreach (LogSegment segment in rolled[..2])
        {
            using var reader = new SegmentBatchReader(segment.Log, 0, segment.Size);
            while (reader.TryReadNext(out ReadOnlySpan<byte> batch, out RecordBatchHeader header))
            {
                if (header.BaseOffset % 4 != 0) continue;
                kept.Add(batch.ToArray());
                cleaned.Append(batch, test.NowMs, indexIntervalBytes: 0);
            }
            Assert.Null(reader.Problem);
        }
        cleaned.Seal();
        cleaned.Flush();
        Assert.True(File.Exists(test.SegmentFile(bases[0], ".log.cleaned")));

        Assert.Equal(CleanStatus.Cleaned, test.Log.ReplaceSegments(cleaned, rolled[..2], truncations));

        List<byte[]> expected = [.. kept, .. before.Where(b => Batches.Header(b).BaseOffset >= bases[2])];
        Assert.Equal(expected, test.ReadAll());
        foreach (LogSegment segment in rolled)
            segment.Release();
        Assert.Equal([bases[0], .. bases[2..]], test.Log.SegmentBaseOffsets());
        Assert.False(File.Exists(test.SegmentFile(bases[1], ".log")));
        Assert.Empty(Directory.GetFiles(test.PartitionPath, "*.swap"));
        Assert.Empty(Directory.GetFiles(test.PartitionPath, "*.cleaned"));
        if (crashAfterwards) test.ReopenAfterCrash();
        else test.ReopenClean();
        Assert.Equal(expected, test.ReadAll());
        using LogReadResult gap = test.Log.Read(bases[0] + 2, 1);
        Assert.Equal(bases[0] + 4, gap.FirstOffset);
    }

    [Fact]
    public void A_swap_is_refused_when_the_log_changed_meanwhile()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 400 });
        for (int i = 0; i < 12; i++)
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 50, fill: (byte)i));
        long[] bases = test.Log.SegmentBaseOffsets();
        LogSegment[] acquired = test.Log.AcquireSegments(out int truncations);
        LogSegment cleaned = LogSegment.CreateCleaned(test.PartitionPath, bases[0], faults: null);
        cleaned.Seal();

        Assert.Equal(LogStatus.Ok, test.Log.TruncateTo(bases[^1] - 1));

        Assert.Equal(CleanStatus.Aborted, test.Log.ReplaceSegments(cleaned, acquired[..1], truncations));
        cleaned.Delete();
        foreach (LogSegment segment in acquired)
            segment.Release();
        Assert.Empty(Directory.GetFiles(test.PartitionPath, "*.cleaned"));
        Assert.Equal(bases[0], test.Log.SegmentBaseOffsets()[0]);
    }
}
