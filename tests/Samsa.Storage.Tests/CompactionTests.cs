using Microsoft.Extensions.Logging;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;
using Samsa.Storage.Compaction;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

public sealed class CompactionTests
{
    // A one-record keyed batch is ~75 bytes: three or four per 300-byte segment.
    private static readonly LogOptions Compacted = LogOptions.Default with
    {
        SegmentBytes = 300,
        IndexIntervalBytes = 100,
        CleanupPolicy = CleanupPolicy.Compact,
        DeleteRetention = TimeSpan.FromHours(1),
    };

    private static readonly string[] Keys = ["a", "b", "c", "d", "e"];

    /// <summary>Appends single- and multi-record batches of random keys; returns every record appended.</summary>
    private static void AppendRandom(TestLog test, int batches, int seed, double tombstones = 0)
    {
        var random = new Random(seed);
        for (int i = 0; i < batches; i++)
        {
            var records = new (string?, string?)[random.Next(1, 4)];
            for (int r = 0; r < records.Length; r++)
            {
                string key = Keys[random.Next(Keys.Length)];
                records[r] = (key, random.NextDouble() < tombstones ? null : $"{key}{i}.{r}");
            }
            Assert.Equal(AppendStatus.Ok, test.Append(Keyed.Batch(test.NowMs, records)).Status);
            test.Time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>What a pass up to <paramref name="end"/> leaves: below it, only each key's latest record.</summary>
    private static List<StoredRecord> ExpectedAfterCleaning(List<StoredRecord> before, long end)
    {
        var latest = Keyed.LatestPerKey(before.Where(r => r.Offset < end)).Select(r => r.Offset).ToHashSet();
        return [.. before.Where(r => r.Offset >= end || latest.Contains(r.Offset))];
    }

    [Fact]
    public void A_pass_keeps_the_latest_record_of_each_key_in_order_with_offsets_unchanged()
    {
        using var test = new TestLog(Compacted);
        AppendRandom(test, 40, seed: 1);
        List<StoredRecord> before = Keyed.Records(test);
        long activeBase = test.Log.SegmentBaseOffsets()[^1];
        long sizeBefore = test.Log.Size;
        long end = test.Log.LogEndOffset;
        var cleaner = new LogCleaner(time: test.Time, logger: test.Logger);

        CleanResult result = cleaner.Clean(test.Log);

        Assert.Equal(CleanStatus.Cleaned, result.Status);
        Assert.Equal(activeBase, result.CleanedTo);
        Assert.True(result.RecordsRemoved > 0);
        List<StoredRecord> after = Keyed.Records(test);
        Assert.Equal(ExpectedAfterCleaning(before, activeBase), after);
        Assert.True(test.Log.Size < sizeBefore);
        Assert.Equal(end, test.Log.LogEndOffset);
        Assert.Equal(0, test.Log.LogStartOffset);
        Assert.True(test.Logger.Has(LogLevel.Information, 2018));
        Assert.Equal(after, ReopenedRecords(test, clean: true));
        Assert.Equal(after, ReopenedRecords(test, clean: false));
    }

    [Fact]
    public void Segments_that_shrank_are_grouped_into_one_at_the_next_pass()
    {
        using var test = new TestLog(Compacted);
        AppendRandom(test, 40, seed: 15);
        var cleaner = new LogCleaner(time: test.Time);
        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log).Status);
        int segments = test.Log.SegmentCount;
        List<StoredRecord> before = Keyed.Records(test);

        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log, force: true).Status);

        Assert.True(test.Log.SegmentCount < segments);
        Assert.Equal(before, Keyed.Records(test));
    }

    [Fact]
    public void The_active_segment_is_never_cleaned()
    {
        using var test = new TestLog(Compacted with { SegmentBytes = 1 << 20 });
        for (int i = 0; i < 10; i++)
            test.Append(Keyed.Batch(test.NowMs, ("a", $"v{i}")));
        var cleaner = new LogCleaner(time: test.Time);

        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log, force: true).Status);

        Assert.Equal(10, Keyed.Records(test).Count);
    }

    [Fact]
    public void A_pass_runs_only_when_the_dirty_share_passes_the_ratio_and_moves_the_checkpoint()
    {
        using var test = new TestLog(Compacted with { MinCleanableDirtyRatio = 0.5 });
        AppendRandom(test, 30, seed: 2);
        var cleaner = new LogCleaner(time: test.Time);
        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log).Status);
        string checkpoint = Path.Combine(test.Directory.Path, "cleaner-offset-checkpoint");
        Assert.Contains($"events 0 {test.Log.SegmentBaseOffsets()[^1]}", File.ReadAllLines(checkpoint));

        // Nothing new: nothing dirty.
        Assert.Equal(CleanStatus.NotNeeded, cleaner.Clean(test.Log).Status);
        test.ReopenClean();
        Assert.Equal(CleanStatus.NotNeeded, cleaner.Clean(test.Log).Status);

        // A little new data is under the ratio; much more is over it.
        AppendRandom(test, 4, seed: 3);
        test.Log.Roll();
        Assert.Equal(CleanStatus.NotNeeded, cleaner.Clean(test.Log).Status);
        AppendRandom(test, 30, seed: 4);
        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log).Status);
    }

    [Fact]
    public void Tombstones_stay_until_the_delete_horizon_then_go()
    {
        using var test = new TestLog(Compacted);
        test.Append(Keyed.Batch(test.NowMs, ("a", "1"), ("b", "1")));
        test.Append(Keyed.Batch(test.NowMs, ("a", null)));
        long tombstoneTimestamp = test.NowMs;
        test.Append(Keyed.Batch(test.NowMs, ("c", "1")));
        test.Log.Roll();
        var cleaner = new LogCleaner(time: test.Time);

        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log).Status);
        long horizon = test.NowMs + 3_600_000;
        Assert.Equal([("b", "1"), ("a", null), ("c", "1")], Pairs(test));
        RecordBatchHeader tombstoneBatch = test.ReadAll().Select(Batches.Header).Single(h => h.BaseOffset == 2);
        Assert.True(tombstoneBatch.HasDeleteHorizon);
        Assert.Equal(horizon, tombstoneBatch.BaseTimestamp);
        Assert.Equal(tombstoneTimestamp, Keyed.Records(test).Single(r => r.Key == "a").Timestamp);

        test.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(CleanStatus.NotNeeded, cleaner.Clean(test.Log).Status);
        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log, force: true).Status);
        Assert.Contains(("a", (string?)null), Pairs(test));

        test.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log).Status);
        Assert.Equal([("b", "1"), ("c", "1")], Pairs(test));
        Assert.Equal(4, test.Log.LogEndOffset);
    }

    [Fact]
    public void Segments_younger_than_the_minimum_compaction_lag_wait()
    {
        using var test = new TestLog(Compacted with { MinCompactionLag = TimeSpan.FromHours(1) });
        AppendRandom(test, 30, seed: 5);
        int count = Keyed.Records(test).Count;
        var cleaner = new LogCleaner(time: test.Time);

        Assert.Equal(CleanStatus.NotNeeded, cleaner.Clean(test.Log).Status);
        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log, force: true).Status);
        Assert.Equal(count, Keyed.Records(test).Count);

        test.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log).Status);
        Assert.True(Keyed.Records(test).Count < count);
    }

    [Fact]
    public void A_log_past_the_maximum_compaction_lag_is_cleaned_below_the_ratio()
    {
        using var test = new TestLog(Compacted with
        {
            MinCleanableDirtyRatio = 0.99,
            MaxCompactionLag = TimeSpan.FromHours(1),
        });
        AppendRandom(test, 30, seed: 6);
        test.Append(Keyed.Batch(test.NowMs, ("a", "last")));
        var cleaner = new LogCleaner(time: test.Time);
        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log).Status);
        AppendRandom(test, 3, seed: 7);
        test.Log.Roll();
        Assert.Equal(CleanStatus.NotNeeded, cleaner.Clean(test.Log).Status);

        test.Time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log).Status);
    }

    [Fact]
    public void The_cleaner_stops_below_the_upper_bound_the_broker_gives()
    {
        using var test = new TestLog(Compacted);
        AppendRandom(test, 30, seed: 8);
        List<StoredRecord> before = Keyed.Records(test);
        long[] bases = test.Log.SegmentBaseOffsets();
        var cleaner = new LogCleaner(time: test.Time);

        CleanResult result = cleaner.Clean(test.Log, upperBoundOffset: bases[3] + 1);

        Assert.Equal(bases[3], result.CleanedTo);
        Assert.Equal(ExpectedAfterCleaning(before, bases[3]), Keyed.Records(test));
    }

    [Fact]
    public void Records_without_a_key_are_dropped()
    {
        using var test = new TestLog(Compacted);
        test.Append(Keyed.Batch(test.NowMs, ("a", "1"), (null, "orphan"), ("b", "1")));
        test.Log.Roll();
        var cleaner = new LogCleaner(time: test.Time, logger: test.Logger);

        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log, force: true).Status);

        Assert.Equal([("a", "1"), ("b", "1")], Pairs(test));
        Assert.True(test.Logger.Has(LogLevel.Warning, 2020));
    }

    [Fact]
    public void A_partly_cleaned_batch_keeps_its_producer_fields_and_offset_span()
    {
        using var test = new TestLog(Compacted);
        var builder = new RecordBatchBuilder(CompressionType.Lz4)
        {
            ProducerId = 42,
            ProducerEpoch = 3,
            BaseSequence = 10,
        };
        builder.Add(Keyed.Bytes("a"), Keyed.Bytes("1"), test.NowMs)
            .Add(Keyed.Bytes("b"), Keyed.Bytes("1"), test.NowMs + 5)
            .Add(Keyed.Bytes("c"), Keyed.Bytes("1"), test.NowMs + 9);
        test.Append(builder.Build(), leaderEpoch: 4);
        test.Append(Keyed.Batch(test.NowMs, ("a", "2"), ("c", "2")));
        test.Log.Roll();
        var cleaner = new LogCleaner(time: test.Time);

        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log, force: true).Status);

        byte[] first = test.ReadAll()[0];
        RecordBatchHeader header = Batches.Header(first);
        Assert.Equal((0L, 2, 1, 42L, (short)3, 10, 4, CompressionType.Lz4),
            (header.BaseOffset, header.LastOffsetDelta, header.RecordCount, header.ProducerId, header.ProducerEpoch,
                header.BaseSequence, header.PartitionLeaderEpoch, header.Compression));
        Assert.Equal(test.NowMs + 5, header.MaxTimestamp);
        Assert.Equal([new StoredRecord(1, "b", "1", test.NowMs + 5), new StoredRecord(3, "a", "2", test.NowMs),
            new StoredRecord(4, "c", "2", test.NowMs + 1)], Keyed.Records(test));
    }

    [Fact]
    public void Aborted_transactions_go_and_committed_ones_stay()
    {
        using var test = new TestLog(Compacted);
        test.Append(Transactional(7, ("x", "aborted"), ("y", "aborted")));
        test.Append(Marker(7, ControlRecordType.Abort, test.NowMs));
        test.Append(Keyed.Batch(test.NowMs, ("x", "plain")));
        test.Append(Transactional(8, ("z", "committed")));
        test.Append(Marker(8, ControlRecordType.Commit, test.NowMs));
        test.Log.Roll();
        var cleaner = new LogCleaner(time: test.Time);

        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log, force: true).Status);

        Assert.Equal([("x", "plain"), ("z", "committed")], Pairs(test));
        List<RecordBatchHeader> headers = [.. test.ReadAll().Select(Batches.Header)];
        Assert.Contains(headers, h => h.IsControl && h.ProducerId == 8);
    }

    [Fact]
    public void A_transaction_without_a_marker_stops_the_cleaner_before_it()
    {
        using var test = new TestLog(Compacted);
        AppendRandom(test, 8, seed: 9);
        long open = test.Log.LogEndOffset;
        test.Append(Transactional(9, ("a", "pending")));
        AppendRandom(test, 20, seed: 10);
        long openSegment = test.Log.SegmentBaseOffsets().Last(b => b <= open);
        var cleaner = new LogCleaner(time: test.Time);

        CleanResult result = cleaner.Clean(test.Log, force: true);

        Assert.Equal(openSegment, result.CleanedTo);
        Assert.Contains(Keyed.Records(test), r => r.Value == "pending");
    }

    [Fact]
    public void Reads_and_timestamp_lookups_work_after_cleaning()
    {
        using var test = new TestLog(Compacted);
        long start = test.NowMs;
        for (int i = 0; i < 20; i++)
        {
            test.Append(Keyed.Batch(test.NowMs, (i % 2 == 0 ? "even" : $"odd{i}", $"v{i}")));
            test.Time.Advance(TimeSpan.FromSeconds(1));
        }
        test.Log.Roll();
        var cleaner = new LogCleaner(time: test.Time);
        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log).Status);

        // Offset 2 ("even" v2) is gone: a read there starts at the next batch that holds a record.
        using (LogReadResult read = test.Log.Read(2, 1 << 16))
        {
            Assert.Equal(ReadStatus.Ok, read.Status);
            Assert.Equal(3, Batches.Split(read.ToArray()).Select(Batches.Header).First(h => h.RecordCount > 0)
                .BaseOffset);
        }
        Assert.Equal(ReadStatus.Ok, test.Log.FindOffsetByTimestamp(start + 2000, out TimestampAndOffset? found));
        Assert.Equal(3, found!.Value.Offset);
        Assert.Equal(ReadStatus.Ok, test.Log.FindMaxTimestamp(out TimestampAndOffset? max));
        Assert.Equal((start + 19_000, 19L), (max!.Value.Timestamp, max.Value.Offset));
        test.ReopenClean();
        Assert.Equal(ReadStatus.Ok, test.Log.FindOffsetByTimestamp(start + 2000, out found));
        Assert.Equal(3, found!.Value.Offset);
    }

    [Theory]
    [InlineData((int)SwapStep.RenamedToSwap)]
    [InlineData((int)SwapStep.DeletedReplaced)]
    public void A_crash_during_the_swap_recovers_to_a_consistent_log(int stepNumber)
    {
        var step = (SwapStep)stepNumber;
        using var test = new TestLog(Compacted);
        AppendRandom(test, 40, seed: 11);
        List<StoredRecord> before = Keyed.Records(test);
        long activeBase = test.Log.SegmentBaseOffsets()[^1];
        var cleaner = new LogCleaner(time: test.Time);
        test.Log.SwapHook = s =>
        {
            if (s == step) throw new SimulatedCrashException();
        };

        Assert.Throws<SimulatedCrashException>(() => cleaner.Clean(test.Log));
        Assert.NotEmpty(Directory.GetFiles(test.PartitionPath, "*.swap"));
        test.ReopenAfterCrash();

        Assert.Empty(Directory.GetFiles(test.PartitionPath, "*.swap"));
        List<StoredRecord> after = Keyed.Records(test);
        Assert.True(after.Count < before.Count);
        Assert.Equal(Keyed.LatestPerKey(before), Keyed.LatestPerKey(after));
        Assert.All(after, r => Assert.Contains(r, before));
        Assert.Equal(before[^1].Offset + 1, test.Log.LogEndOffset);

        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log, force: true).Status);
        Assert.Equal(ExpectedAfterCleaning(before, activeBase), Keyed.Records(test));
    }

    [Fact]
    public void A_crash_while_writing_cleaned_segments_leaves_the_log_as_it_was()
    {
        using var test = new TestLog(Compacted);
        AppendRandom(test, 20, seed: 12);
        List<StoredRecord> before = Keyed.Records(test);
        File.WriteAllBytes(test.SegmentFile(0, ".log.cleaned"), [1, 2, 3]);
        File.WriteAllBytes(test.SegmentFile(0, ".index.cleaned"), []);

        test.ReopenAfterCrash();

        Assert.Empty(Directory.GetFiles(test.PartitionPath, "*.cleaned"));
        Assert.Equal(before, Keyed.Records(test));
    }

    [Fact]
    public void A_full_disk_during_a_pass_leaves_the_log_unchanged()
    {
        var faults = new FaultInjector { PathFilter = ".cleaned" };
        using var test = new TestLog(Compacted, faults);
        AppendRandom(test, 30, seed: 13);
        List<StoredRecord> before = Keyed.Records(test);
        faults.Budget = 0;
        var cleaner = new LogCleaner(time: test.Time, logger: test.Logger);

        Assert.Equal(CleanStatus.DiskFull, cleaner.Clean(test.Log).Status);

        Assert.False(test.Log.IsOffline);
        Assert.Equal(before, Keyed.Records(test));
        Assert.Empty(Directory.GetFiles(test.PartitionPath, "*.cleaned"));
        faults.Budget = long.MaxValue;
        Assert.Equal(CleanStatus.Cleaned, cleaner.Clean(test.Log).Status);
    }

    [Fact]
    public void A_small_key_map_cleans_in_several_passes()
    {
        using var test = new TestLog(Compacted with { SegmentBytes = 4096 });
        for (int i = 0; i < 12000; i++)
            test.Append(Keyed.Batch(test.NowMs, ($"k{i % 6000}", $"v{i}")));
        test.Log.Roll();
        List<StoredRecord> before = Keyed.Records(test);
        var cleaner = new LogCleaner(LogCleanerOptions.Default with { DedupeBufferBytes = 1 << 16 }, test.Time);

        CleanResult first = cleaner.Clean(test.Log);
        Assert.Equal(CleanStatus.Cleaned, first.Status);
        Assert.True(first.CleanedTo < test.Log.LogEndOffset);
        while (cleaner.Clean(test.Log, force: true).CleanedTo < test.Log.LogEndOffset)
        {
        }

        Assert.Equal(Keyed.LatestPerKey(before), Keyed.Records(test));
    }

    [Fact]
    public void Compact_delete_applies_retention_and_compact_alone_does_not()
    {
        using var test = new TestLog(Compacted with { RetentionTime = TimeSpan.FromMinutes(10) });
        AppendRandom(test, 20, seed: 14);
        test.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, test.Log.DeleteOldSegments());
        test.Log.UpdateOptions(test.Log.Options with { CleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete });
        Assert.True(test.Log.DeleteOldSegments() > 0);
        Assert.Equal(1, test.Log.SegmentCount);
    }

    [Fact]
    public async Task The_background_loop_cleans_the_filthiest_log()
    {
        using var root = new TempDirectory();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(55));
        using var manager = LogManager.Open(new LogManagerOptions
        {
            LogDirs = [root.Path],
            ClusterId = "c",
            NodeId = 1,
        }, time: time);
        Assert.Equal(LogStatus.Ok, manager.GetOrCreateLog(new TopicPartition("compacted", 0), Compacted,
            out PartitionLog? compacted));
        Assert.Equal(LogStatus.Ok, manager.GetOrCreateLog(new TopicPartition("plain", 0), Compacted with
        {
            CleanupPolicy = CleanupPolicy.Delete,
        }, out PartitionLog? plain));
        for (int i = 0; i < 30; i++)
        {
            foreach (PartitionLog log in new[] { compacted!, plain! })
                Assert.Equal(AppendStatus.Ok, (await log.AppendAsync(Keyed.Batch(0, ("k", $"v{i}")), 0)).Status);
        }
        var cleaner = new LogCleaner(time: time);
        using var stop = new CancellationTokenSource();

        Task loop = cleaner.RunAsync(manager, null, stop.Token);
        string checkpoint = Path.Combine(root.Path, "cleaner-offset-checkpoint");
        await Eventually.TrueAsync(() => File.Exists(checkpoint), TimeSpan.FromSeconds(10),
            "the cleaner to write its checkpoint");
        await stop.CancelAsync();
        await loop;

        Assert.Equal(["0", "1", $"compacted 0 {compacted!.SegmentBaseOffsets()[^1]}"], File.ReadAllLines(checkpoint));
        Assert.True(compacted.Size < plain!.Size / 2);
    }

    [Fact]
    public async Task A_pass_over_a_deleted_log_is_aborted_and_takes_nothing_offline()
    {
        using var root = new TempDirectory();
        using var manager =
            LogManager.Open(new LogManagerOptions { LogDirs = [root.Path], ClusterId = "c", NodeId = 1 });
        var partition = new TopicPartition("gone", 0);
        Assert.Equal(LogStatus.Ok, manager.GetOrCreateLog(partition, Compacted, out PartitionLog? log));
        for (int i = 0; i < 20; i++)
            Assert.Equal(AppendStatus.Ok, (await log!.AppendAsync(Keyed.Batch(0, ("k", $"v{i}")), 0)).Status);
        Assert.True(manager.DeleteLog(partition));

        Assert.Equal(CleanStatus.Aborted, new LogCleaner().Clean(log!).Status);

        Assert.False(manager.LogDirectories[0].IsOffline);
    }

    private static List<(string?, string?)> Pairs(TestLog test) =>
        [.. Keyed.Records(test).Select(r => (r.Key, r.Value))];

    private static List<StoredRecord> ReopenedRecords(TestLog test, bool clean)
    {
        if (clean) test.ReopenClean();
        else test.ReopenAfterCrash();
        return Keyed.Records(test);
    }

    private static byte[] Transactional(long producerId, params (string Key, string Value)[] records)
    {
        var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = 0, BaseSequence = 0 };
        builder.IsTransactional = true;
        foreach ((string key, string value) in records)
            builder.Add(Keyed.Bytes(key), Keyed.Bytes(value), 0);
        return builder.Build();
    }

    private static byte[] Marker(long producerId, ControlRecordType type, long timestamp)
    {
        var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = 0 };
        builder.AddEndTransactionMarker(type, coordinatorEpoch: 1, timestamp);
        return builder.Build();
    }

    private sealed class SimulatedCrashException : Exception;
}
