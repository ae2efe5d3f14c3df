using Samsa.Protocol.Records;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

// ListOffsets with timestamp -3 (KIP-734): the record with the largest timestamp, found from what each segment keeps
// (its largest timestamp and the batch that carried it) rather than by a scan.
public sealed class MaxTimestampTests
{
    private static byte[] Batch(params long[] timestamps)
    {
        var builder = new RecordBatchBuilder();
        foreach (long timestamp in timestamps)
            builder.Add([1], [2], timestamp);
        return builder.Build();
    }

    [Fact]
    public void An_empty_log_has_no_largest_timestamp()
    {
        using var test = new TestLog();

        Assert.Equal(ReadStatus.Ok, test.Log.FindMaxTimestamp(out TimestampAndOffset? found));

        Assert.Null(found);
    }

    [Fact]
    public void The_first_record_with_the_largest_timestamp_is_found_in_the_first_segment_holding_it()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 400, IndexIntervalBytes = 0 });
        test.Append(Batch(100, 300, 200), leaderEpoch: 2);     // offsets 0-2: 300 at offset 1
        test.Append(Batch(250));                               // 3
        test.Log.Roll();
        test.Append(Batch(300, 300), leaderEpoch: 3);           // 4-5: ties go to the earlier record
        test.Append(Batch(150));                               // 6

        Assert.Equal(ReadStatus.Ok, test.Log.FindMaxTimestamp(out TimestampAndOffset? found));
        Assert.Equal(new TimestampAndOffset(300, 1, 2), found);

        test.Append(Batch(10, 20, 400, 400));                  // 7-10
        for (int i = 0; i < 8; i++)
            test.Append(Batch(5));
        Assert.Equal(ReadStatus.Ok, test.Log.FindMaxTimestamp(out found));
        Assert.Equal(new TimestampAndOffset(400, 9, 0), found);

        test.ReopenClean();
        Assert.Equal(ReadStatus.Ok, test.Log.FindMaxTimestamp(out found));
        Assert.Equal(new TimestampAndOffset(400, 9, 0), found);
        test.ReopenAfterCrash();
        Assert.Equal(ReadStatus.Ok, test.Log.FindMaxTimestamp(out found));
        Assert.Equal(new TimestampAndOffset(400, 9, 0), found);
    }

    [Fact]
    public void Log_append_time_answers_with_the_first_record_of_the_latest_batch()
    {
        using var test = new TestLog(LogOptions.Default with { MessageTimestampType = TimestampType.LogAppendTime });
        test.Append(Batch(1, 2, 3));
        test.Time.Advance(TimeSpan.FromSeconds(1));
        test.Append(Batch(1, 2, 3));

        Assert.Equal(ReadStatus.Ok, test.Log.FindMaxTimestamp(out TimestampAndOffset? found));

        Assert.Equal(new TimestampAndOffset(test.NowMs, 3, 0), found);
    }

    [Fact]
    public void Truncation_forgets_a_largest_timestamp_that_was_cut()
    {
        using var test = new TestLog();
        test.Append(Batch(100));
        test.Append(Batch(900));
        Assert.Equal(LogStatus.Ok, test.Log.TruncateTo(1));

        Assert.Equal(ReadStatus.Ok, test.Log.FindMaxTimestamp(out TimestampAndOffset? found));

        Assert.Equal(new TimestampAndOffset(100, 0, 0), found);
    }
}
