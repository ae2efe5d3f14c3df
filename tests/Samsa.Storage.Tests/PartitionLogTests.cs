using Samsa.Protocol.Records;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

public sealed class PartitionLogTests
{
    [Fact]
    public void Append_assigns_consecutive_offsets_and_stamps_epoch_outside_the_crc()
    {
        using var test = new TestLog();
        byte[] first = Batches.Create(3, test.NowMs);
        byte[] second = Batches.Create(2, test.NowMs);

        AppendResult a = test.Append(first, leaderEpoch: 7);
        AppendResult b = test.Append(second, leaderEpoch: 7);

        Assert.Equal((AppendStatus.Ok, 0L, 2L), (a.Status, a.FirstOffset, a.LastOffset));
        Assert.Equal((AppendStatus.Ok, 3L, 4L), (b.Status, b.FirstOffset, b.LastOffset));
        Assert.Equal(0, a.Position);
        Assert.Equal(first.Length, b.Position);
        Assert.Equal(-1, a.LogAppendTime);
        Assert.Equal(5, test.Log.LogEndOffset);
        List<byte[]> stored = test.ReadAll();
        Assert.Equal(2, stored.Count);
        RecordBatchHeader header = Batches.Header(stored[1]);
        Assert.Equal((3L, 7), (header.BaseOffset, header.PartitionLeaderEpoch));
        Assert.Equal(7, test.Log.LatestEpoch);
    }

    [Fact]
    public void Read_returns_the_stored_bytes_in_whole_batches_within_max_bytes()
    {
        using var test = new TestLog();
        var expected = new List<byte[]>();
        for (int i = 0; i < 10; i++)
        {
            byte[] batch = Batches.Create(2, test.NowMs, valueBytes: 100, fill: (byte)i);
            test.Append(batch);
            expected.Add(Batches.Stamped(batch, i * 2, 0));
        }
        int size = expected[0].Length;

        using LogReadResult read = test.Log.Read(4, maxBytes: (size * 3) + (size / 2));

        Assert.Equal(ReadStatus.Ok, read.Status);
        Assert.Equal(4, read.FirstOffset);
        Assert.Equal(size * 3, read.Length);
        Assert.Equal(expected[2..5].SelectMany(b => b).ToArray(), read.ToArray());
        Assert.NotNull(read.FileHandle);
        Assert.Equal(size * 2, read.FilePosition);
    }

    [Fact]
    public void Read_from_the_middle_of_a_batch_returns_the_whole_batch()
    {
        using var test = new TestLog();
        test.Append(Batches.Create(5, test.NowMs));
        test.Append(Batches.Create(5, test.NowMs));

        using LogReadResult read = test.Log.Read(7, maxBytes: 1 << 20);

        Assert.Equal(5, read.FirstOffset);
        Assert.Single(Batches.Split(read.ToArray()));
    }

    [Fact]
    public void Read_returns_a_batch_larger_than_max_bytes_only_when_asked_for_at_least_one()
    {
        using var test = new TestLog();
        byte[] big = Batches.Create(4, test.NowMs, valueBytes: 1000);
        test.Append(big);

        using LogReadResult one = test.Log.Read(0, maxBytes: 10, minOneBatch: true);
        using LogReadResult none = test.Log.Read(0, maxBytes: 10, minOneBatch: false);

        Assert.Equal(big.Length, one.Length);
        Assert.True(none.IsEmpty);
        Assert.Equal(ReadStatus.Ok, none.Status);
    }

    [Fact]
    public void Read_leaves_out_batches_that_end_at_or_past_max_offset()
    {
        using var test = new TestLog();
        for (int i = 0; i < 5; i++)
            test.Append(Batches.Create(2, test.NowMs));

        using LogReadResult read = test.Log.Read(0, maxBytes: 1 << 20, maxOffset: 6);
        using LogReadResult atLimit = test.Log.Read(6, maxBytes: 1 << 20, maxOffset: 6);

        List<byte[]> batches = Batches.Split(read.ToArray());
        Assert.Equal(3, batches.Count);
        Assert.Equal(5, Batches.Header(batches[^1]).LastOffset);
        Assert.True(atLimit.IsEmpty);
    }

    [Fact]
    public void Read_outside_the_log_is_out_of_range_and_at_the_end_is_empty()
    {
        using var test = new TestLog();
        test.Append(Batches.Create(3, test.NowMs));

        using LogReadResult past = test.Log.Read(4, 100);
        using LogReadResult end = test.Log.Read(3, 100);

        Assert.Equal(ReadStatus.OffsetOutOfRange, past.Status);
        Assert.Equal((0L, 3L), (past.LogStartOffset, past.LogEndOffset));
        Assert.Equal(ReadStatus.Ok, end.Status);
        Assert.True(end.IsEmpty);
    }

    [Fact]
    public void Read_uses_the_index_to_find_offsets_in_a_large_segment()
    {
        using var test = new TestLog(LogOptions.Default with { IndexIntervalBytes = 256 });
        var expected = new List<byte[]>();
        for (int i = 0; i < 300; i++)
        {
            byte[] batch = Batches.Create(1, test.NowMs, valueBytes: 50, fill: (byte)i);
            test.Append(batch);
            expected.Add(Batches.Stamped(batch, i, 0));
        }
        test.Log.Roll();

        for (int offset = 0; offset < 300; offset += 37)
        {
            using LogReadResult read = test.Log.Read(offset, maxBytes: expected[0].Length * 4);
            Assert.Equal(expected[offset..Math.Min(offset + 4, 300)].SelectMany(b => b).ToArray(), read.ToArray());
        }
    }

    [Fact]
    public void A_read_keeps_its_bytes_after_retention_deletes_the_segment()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 200, RetentionBytes = 0 });
        byte[] batch = Batches.Create(1, test.NowMs, valueBytes: 100);
        test.Append(batch);
        test.Append(Batches.Create(1, test.NowMs, valueBytes: 100));

        using LogReadResult read = test.Log.Read(0, 1 << 20);
        Assert.Equal(1, test.Log.DeleteOldSegments());
        Assert.False(File.Exists(test.SegmentFile(0, ".log")));

        Assert.Equal(Batches.Stamped(batch, 0, 0), read.ToArray());
    }

    [Fact]
    public async Task Append_as_follower_keeps_offsets_and_epochs_and_refuses_going_back()
    {
        using var test = new TestLog();
        byte[] batch = Batches.Stamped(Batches.Create(3, test.NowMs), baseOffset: 10, leaderEpoch: 4);

        AppendResult result = await test.Log.AppendAsFollowerAsync(batch);
        AppendResult again = await test.Log.AppendAsFollowerAsync(batch);

        Assert.Equal((AppendStatus.Ok, 10L, 12L), (result.Status, result.FirstOffset, result.LastOffset));
        Assert.Equal(AppendStatus.OffsetOutOfOrder, again.Status);
        Assert.Equal(13, test.Log.LogEndOffset);
        Assert.Equal(4, test.Log.LatestEpoch);
        Assert.Equal(batch, test.ReadAll().Single());
    }

    [Fact]
    public void Log_append_time_stamps_the_clock_and_keeps_the_crc_valid()
    {
        using var test = new TestLog(LogOptions.Default with { MessageTimestampType = TimestampType.LogAppendTime });
        test.Time.Advance(TimeSpan.FromHours(1));

        AppendResult result = test.Append(Batches.Create(2, timestamp: 5));

        Assert.Equal(test.NowMs, result.LogAppendTime);
        byte[] stored = test.ReadAll().Single();
        RecordBatchHeader header = Batches.Header(stored);
        Assert.Equal((TimestampType.LogAppendTime, test.NowMs), (header.TimestampType, header.MaxTimestamp));
    }

    [Fact]
    public void Append_refuses_records_larger_than_a_segment_and_bytes_that_are_not_batches()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 100 });

        Assert.Equal(AppendStatus.RecordBatchTooLarge, test.Append(Batches.Create(1, 0, valueBytes: 200)).Status);
        Assert.Equal(AppendStatus.InvalidRecords, test.Append(new byte[30]).Status);
        Assert.Equal(AppendStatus.InvalidRecords, test.Append([]).Status);
        byte[] batch = Batches.Create(1, 0, valueBytes: 5);
        Assert.Equal(AppendStatus.InvalidRecords, test.Append(batch[..^1]).Status);
        Assert.Equal(0, test.Log.LogEndOffset);
    }

    [Fact]
    public void Several_batches_in_one_append_get_consecutive_offsets()
    {
        using var test = new TestLog();
        byte[] records = [.. Batches.Create(2, test.NowMs), .. Batches.Create(3, test.NowMs)];

        AppendResult result = test.Append(records);

        Assert.Equal((0L, 4L), (result.FirstOffset, result.LastOffset));
        List<byte[]> stored = test.ReadAll();
        Assert.Equal([0L, 2L], stored.Select(b => Batches.Header(b).BaseOffset));
    }

    [Fact]
    public void Segment_rolls_before_an_append_that_would_pass_segment_bytes()
    {
        byte[] batch = Batches.Create(1, 0, valueBytes: 100);
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = (batch.Length * 2) + 10 });

        for (int i = 0; i < 5; i++)
            test.Append(Batches.Create(1, test.NowMs, valueBytes: 100));

        Assert.Equal([0L, 2L, 4L], test.Log.SegmentBaseOffsets());
        Assert.True(File.Exists(test.SegmentFile(2, ".log")));
        Assert.True(File.Exists(test.SegmentFile(2, ".index")));
        Assert.True(File.Exists(test.SegmentFile(2, ".timeindex")));
        Assert.Equal(batch.Length * 2, new FileInfo(test.SegmentFile(0, ".log")).Length);
    }

    [Fact]
    public void Segment_rolls_once_its_first_batch_is_older_than_segment_ms()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentTime = TimeSpan.FromHours(1) });
        test.Append(Batches.Create(1, test.NowMs));
        test.Time.Advance(TimeSpan.FromMinutes(59));
        test.Append(Batches.Create(1, test.NowMs));
        Assert.Equal([0L], test.Log.SegmentBaseOffsets());

        test.Time.Advance(TimeSpan.FromMinutes(2));
        test.Append(Batches.Create(1, test.NowMs));

        Assert.Equal([0L, 2L], test.Log.SegmentBaseOffsets());
    }

    [Fact]
    public void Roll_of_an_empty_segment_does_nothing()
    {
        using var test = new TestLog();

        Assert.Equal(LogStatus.Ok, test.Log.Roll());

        Assert.Equal([0L], test.Log.SegmentBaseOffsets());
    }

    [Fact]
    public void Rolled_segment_indexes_hold_kafkas_entry_layouts()
    {
        using var test = new TestLog(LogOptions.Default with { IndexIntervalBytes = 0 });
        var sizes = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            byte[] batch = Batches.Create(2, test.NowMs + i, valueBytes: 10);
            sizes.Add(batch.Length);
            test.Append(batch);
        }
        test.Log.Roll();

        // An entry for every batch but the first: (last offset - base, position), both int32 big-endian.
        byte[] index = File.ReadAllBytes(test.SegmentFile(0, ".index"));
        Assert.Equal(16, index.Length);
        Assert.Equal((3, sizes[0]), (ReadInt(index, 0), ReadInt(index, 4)));
        Assert.Equal((5, sizes[0] + sizes[1]), (ReadInt(index, 8), ReadInt(index, 12)));
        // (largest timestamp so far int64, relative offset of its batch's last record int32), ending with the max.
        byte[] timeIndex = File.ReadAllBytes(test.SegmentFile(0, ".timeindex"));
        Assert.Equal(24, timeIndex.Length);
        Assert.Equal(test.NowMs + 2, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(timeIndex.AsSpan(12)));
        Assert.Equal(5, ReadInt(timeIndex, 20));
    }

    private static int ReadInt(byte[] bytes, int at) =>
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));

    [Fact]
    public void Find_offset_by_timestamp_returns_the_first_record_at_or_after_it()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 400, IndexIntervalBytes = 100 });
        long start = test.NowMs;
        for (int i = 0; i < 20; i++)
            test.Append(Batches.Create(3, start + (i * 100), valueBytes: 20, timestampStep: 10));
        Assert.True(test.Log.SegmentCount > 3);

        Assert.Equal(ReadStatus.Ok, test.Log.FindOffsetByTimestamp(start + 715, out TimestampAndOffset? found));
        Assert.Equal(new TimestampAndOffset(start + 720, 23, 0), found);
        test.Log.FindOffsetByTimestamp(start, out found);
        Assert.Equal(0, found!.Value.Offset);
        test.Log.FindOffsetByTimestamp(start + 1900, out found);
        Assert.Equal(57, found!.Value.Offset);
        test.Log.FindOffsetByTimestamp(start + 1921, out found);
        Assert.Null(found);
    }

    [Fact]
    public void Find_offset_by_timestamp_skips_records_below_the_log_start_offset()
    {
        using var test = new TestLog();
        test.Append(Batches.Create(5, test.NowMs, timestampStep: 1));
        test.Log.DeleteRecordsBefore(3);

        test.Log.FindOffsetByTimestamp(test.NowMs, out TimestampAndOffset? found);

        Assert.Equal(3, found!.Value.Offset);
    }

    [Fact]
    public void End_offset_for_epoch_answers_as_kafka()
    {
        using var test = new TestLog();
        test.Append(Batches.Create(2, test.NowMs), leaderEpoch: 1);
        test.Append(Batches.Create(2, test.NowMs), leaderEpoch: 3);
        test.Append(Batches.Create(2, test.NowMs), leaderEpoch: 5);

        Assert.Equal(new OffsetAndEpoch(6, 5), test.Log.EndOffsetForEpoch(5));
        Assert.Equal(new OffsetAndEpoch(4, 3), test.Log.EndOffsetForEpoch(4));
        Assert.Equal(new OffsetAndEpoch(2, 1), test.Log.EndOffsetForEpoch(1));
        Assert.Equal(new OffsetAndEpoch(0, 0), test.Log.EndOffsetForEpoch(0));
        Assert.Equal(OffsetAndEpoch.Undefined, test.Log.EndOffsetForEpoch(9));
        Assert.Equal("0\n3\n1 0\n3 2\n5 4\n",
            File.ReadAllText(Path.Combine(test.PartitionPath, "leader-epoch-checkpoint")));
    }

    [Fact]
    public void Truncate_removes_batches_ending_at_or_past_the_offset_with_their_segments_and_epochs()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 300 });
        for (int i = 0; i < 10; i++)
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 50), leaderEpoch: i / 3);
        int segments = test.Log.SegmentCount;

        // Batch 4 holds offsets 8 and 9: truncating to 9 takes it whole.
        Assert.Equal(LogStatus.Ok, test.Log.TruncateTo(9));

        Assert.Equal(8, test.Log.LogEndOffset);
        Assert.True(test.Log.SegmentCount < segments);
        Assert.Equal(4, test.ReadAll().Count);
        Assert.Equal(1, test.Log.LatestEpoch);
        Assert.Equal(new OffsetAndEpoch(8, 1), test.Log.EndOffsetForEpoch(1));
        Assert.Equal(LogStatus.Ok, test.Log.TruncateTo(6));
        Assert.Equal(0, test.Log.LatestEpoch);
        AppendResult next = test.Append(Batches.Create(1, test.NowMs), leaderEpoch: 9);
        Assert.Equal(6, next.FirstOffset);
        test.ReopenAfterCrash();
        Assert.Equal(7, test.Log.LogEndOffset);
        Assert.Equal(4, test.ReadAll().Count);
    }

    [Fact]
    public void Truncate_below_the_log_start_offset_empties_the_log_and_restarts_it_there()
    {
        using var test = new TestLog();
        test.Append(Batches.Create(10, test.NowMs));
        test.Log.DeleteRecordsBefore(8);

        Assert.Equal(LogStatus.Ok, test.Log.TruncateTo(5));

        Assert.Equal((5L, 5L), (test.Log.LogStartOffset, test.Log.LogEndOffset));
        Assert.Equal([5L], test.Log.SegmentBaseOffsets());
        test.ReopenAfterCrash();
        Assert.Equal((5L, 5L), (test.Log.LogStartOffset, test.Log.LogEndOffset));
    }

    [Fact]
    public void Delete_records_moves_the_log_start_offset_durably_and_deletes_whole_segments_below()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 300 });
        for (int i = 0; i < 10; i++)
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 50));
        long[] before = test.Log.SegmentBaseOffsets();

        Assert.Equal(LogStatus.Ok, test.Log.DeleteRecordsBefore(before[2] + 1));
        Assert.Equal(LogStatus.OffsetOutOfRange, test.Log.DeleteRecordsBefore(100));

        Assert.Equal(before[2] + 1, test.Log.LogStartOffset);
        Assert.Equal(before[2..], test.Log.SegmentBaseOffsets());
        using (LogReadResult below = test.Log.Read(before[2], 100))
            Assert.Equal(ReadStatus.OffsetOutOfRange, below.Status);
        Assert.Contains($"events 0 {before[2] + 1}",
            File.ReadAllText(Path.Combine(test.Directory.Path, "log-start-offset-checkpoint")));
        test.ReopenAfterCrash();
        Assert.Equal(before[2] + 1, test.Log.LogStartOffset);
    }

    [Fact]
    public void Clean_reopen_keeps_offsets_epochs_and_bytes()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 500, IndexIntervalBytes = 100 });
        for (int i = 0; i < 20; i++)
            test.Append(Batches.Create(2, test.NowMs + i, valueBytes: 30), leaderEpoch: i / 5);
        List<byte[]> before = test.ReadAll();

        test.ReopenClean();

        Assert.Equal(before, test.ReadAll());
        Assert.Equal(40, test.Log.LogEndOffset);
        Assert.Equal(3, test.Log.LatestEpoch);
        Assert.Equal(40, test.Log.RecoveryPoint);
        Assert.Equal(40, test.Append(Batches.Create(1, test.NowMs)).FirstOffset);
    }

    [Fact]
    public void Flush_moves_the_recovery_point_to_the_active_segment()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 300 });
        for (int i = 0; i < 10; i++)
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 50));
        long active = test.Log.SegmentBaseOffsets()[^1];

        Assert.Equal(LogStatus.Ok, test.Log.Flush());

        Assert.Equal(active, test.Log.RecoveryPoint);
    }
}
