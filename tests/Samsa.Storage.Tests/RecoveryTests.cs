using Microsoft.Extensions.Logging;
using Samsa.Protocol.Records;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

public sealed class RecoveryTests
{
    private static TestLog LogWithBatches(int count, out List<byte[]> stored, LogOptions? options = null)
    {
        var test = new TestLog(options ?? LogOptions.Default with { IndexIntervalBytes = 100 });
        for (int i = 0; i < count; i++)
            test.Append(Batches.Create(2, test.NowMs + i, valueBytes: 40, fill: (byte)i), leaderEpoch: 1);
        stored = test.ReadAll();
        return test;
    }

    private static void AppendToFile(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Append);
        stream.Write(bytes);
    }

    [Fact]
    public void Garbage_after_the_last_batch_is_truncated_on_open_with_a_warning()
    {
        using TestLog test = LogWithBatches(5, out List<byte[]> stored);
        long length = stored.Sum(b => (long)b.Length);

        test.ReopenAfterCrash(t =>
            AppendToFile(t.SegmentFile(0, ".log"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]));

        Assert.Equal(stored, test.ReadAll());
        Assert.Equal(10, test.Log.LogEndOffset);
        Assert.Equal(length, new FileInfo(test.SegmentFile(0, ".log")).Length);
        Assert.True(test.Logger.Has(LogLevel.Warning, 2001));
        Assert.Equal(10, test.Append(Batches.Create(1, test.NowMs)).FirstOffset);
    }

    [Fact]
    public void Zeros_after_the_last_batch_are_truncated_on_open()
    {
        using TestLog test = LogWithBatches(3, out List<byte[]> stored);

        test.ReopenAfterCrash(t => AppendToFile(t.SegmentFile(0, ".log"), new byte[4096]));

        Assert.Equal(stored, test.ReadAll());
    }

    [Fact]
    public void A_half_written_batch_is_truncated_on_open()
    {
        using TestLog test = LogWithBatches(5, out List<byte[]> stored);
        byte[] next = Batches.Stamped(Batches.Create(2, 0, valueBytes: 40), 10, 1);

        test.ReopenAfterCrash(t => AppendToFile(t.SegmentFile(0, ".log"), next[..(next.Length / 2)]));

        Assert.Equal(stored, test.ReadAll());
        Assert.Equal(10, test.Log.LogEndOffset);
        Assert.Contains(test.Logger.Entries, e => e.Id.Id == 2001 && e.Message.Contains("cut off"));
    }

    [Fact]
    public void A_batch_with_a_bad_crc_at_the_end_is_truncated_on_open()
    {
        using TestLog test = LogWithBatches(5, out List<byte[]> stored);
        byte[] next = Batches.Stamped(Batches.Create(2, 0, valueBytes: 40), 10, 1);
        next[^1] ^= 0xFF;

        test.ReopenAfterCrash(t => AppendToFile(t.SegmentFile(0, ".log"), next));

        Assert.Equal(stored, test.ReadAll());
        Assert.Contains(test.Logger.Entries, e => e.Id.Id == 2001 && e.Message.Contains("BadCrc"));
    }

    [Fact]
    public void A_corrupt_batch_in_the_middle_ends_the_log_there()
    {
        using TestLog test = LogWithBatches(6, out List<byte[]> stored);
        long position = stored[0].Length + stored[1].Length + stored[2].Length;

        test.ReopenAfterCrash(t =>
        {
            using var stream = new FileStream(t.SegmentFile(0, ".log"), FileMode.Open);
            stream.Position = position + 70;
            stream.WriteByte(0xEE);
        });

        Assert.Equal(stored[..3], test.ReadAll());
        Assert.Equal(6, test.Log.LogEndOffset);
    }

    [Fact]
    public void Segments_after_a_corrupt_one_are_deleted()
    {
        using TestLog test = LogWithBatches(8, out List<byte[]> stored,
            LogOptions.Default with { SegmentBytes = 400 });
        long[] bases = test.Log.SegmentBaseOffsets();
        Assert.True(bases.Length >= 3);

        test.ReopenAfterCrash(t =>
        {
            using var stream = new FileStream(t.SegmentFile(bases[1], ".log"), FileMode.Open);
            stream.SetLength(stream.Length - 5);
        });

        Assert.Equal(bases[..2], test.Log.SegmentBaseOffsets());
        Assert.False(File.Exists(test.SegmentFile(bases[2], ".log")));
        Assert.True(test.Logger.Has(LogLevel.Warning, 2013));
        Assert.Equal(stored.Where(b => Batches.Header(b).BaseOffset < test.Log.LogEndOffset), test.ReadAll());
    }

    [Fact]
    public void A_clean_shutdown_skips_the_scan_and_a_crash_does_not()
    {
        using TestLog test = LogWithBatches(5, out _);
        int Recoveries() => test.Logger.Entries.Count(e => e.Id.Id == 2002);
        Assert.Equal(0, Recoveries());

        test.ReopenClean();
        Assert.Equal(0, Recoveries());

        test.ReopenAfterCrash();
        Assert.Equal(1, Recoveries());
    }

    [Fact]
    public void A_torn_tail_is_found_even_after_a_clean_shutdown()
    {
        using TestLog test = LogWithBatches(5, out List<byte[]> stored);
        test.Log.Close();
        test.Directory.MarkCleanShutdown();
        AppendToFile(test.SegmentFile(0, ".log"), [0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 99, 0, 0, 0]);

        test.ReopenAfterCrash();

        Assert.Equal(stored, test.ReadAll());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("odd size")]
    [InlineData("past the log")]
    public void A_missing_or_corrupt_index_of_a_rolled_segment_is_rebuilt_after_a_clean_shutdown(string damage)
    {
        using TestLog test = LogWithBatches(30, out List<byte[]> stored);
        test.Log.Roll();
        test.Append(Batches.Create(1, test.NowMs));
        stored = test.ReadAll();
        string index = test.SegmentFile(0, ".index");
        byte[] good = File.ReadAllBytes(index);
        Assert.True(good.Length >= 16);
        test.Log.Close();
        test.Directory.MarkCleanShutdown();
        switch (damage)
        {
            case "missing":
                File.Delete(index);
                break;
            case "odd size":
                File.WriteAllBytes(index, good[..^3]);
                break;
            default:
                byte[] bad = (byte[])good.Clone();
                bad[^4] = 0x7F;
                File.WriteAllBytes(index, bad);
                break;
        }

        test.ReopenAfterCrash();

        Assert.True(test.Logger.Has(LogLevel.Warning, 2003));
        Assert.Equal(good, File.ReadAllBytes(index));
        Assert.Equal(stored, test.ReadAll(maxBytes: 300));
        using LogReadResult read = test.Log.Read(33, 1);
        Assert.Equal(32, read.FirstOffset);
    }

    [Fact]
    public void A_garbage_index_entry_in_the_middle_does_not_break_lookups()
    {
        using TestLog test = LogWithBatches(30, out List<byte[]> stored);
        test.Log.Roll();
        string index = test.SegmentFile(0, ".index");
        byte[] bytes = File.ReadAllBytes(index);
        bytes[(bytes.Length / 2 / 8 * 8) + 7] ^= 0x05;
        test.Log.Close();
        test.Directory.MarkCleanShutdown();
        File.WriteAllBytes(index, bytes);

        test.ReopenAfterCrash();

        for (int offset = 0; offset < 60; offset += 7)
        {
            using LogReadResult read = test.Log.Read(offset, 1);
            Assert.Equal(offset / 2 * 2, read.FirstOffset);
            Assert.Equal(stored[offset / 2], read.ToArray());
        }
    }

    [Fact]
    public void An_unreadable_leader_epoch_checkpoint_is_rebuilt_from_the_batches()
    {
        using var test = new TestLog();
        test.Append(Batches.Create(2, test.NowMs), leaderEpoch: 2);
        test.Append(Batches.Create(2, test.NowMs), leaderEpoch: 5);

        test.ReopenAfterCrash(t =>
            File.WriteAllText(Path.Combine(t.PartitionPath, "leader-epoch-checkpoint"), "0\n7\ngarbage"));

        Assert.Equal(5, test.Log.LatestEpoch);
        Assert.Equal(new OffsetAndEpoch(2, 2), test.Log.EndOffsetForEpoch(2));
        Assert.True(test.Logger.Has(LogLevel.Warning, 2011));
        Assert.Equal("0\n2\n2 0\n5 2\n", File.ReadAllText(Path.Combine(test.PartitionPath, "leader-epoch-checkpoint")));
    }

    [Fact]
    public void Leftovers_of_interrupted_operations_are_removed_at_open()
    {
        using TestLog test = LogWithBatches(3, out List<byte[]> stored);

        test.ReopenAfterCrash(t =>
        {
            File.WriteAllBytes(t.SegmentFile(500, ".index"), new byte[8]);
            File.WriteAllBytes(t.SegmentFile(600, ".log.deleted"), new byte[8]);
            File.WriteAllBytes(t.SegmentFile(700, ".log.cleaned"), new byte[8]);
        });

        Assert.Equal(stored, test.ReadAll());
        Assert.Equal(["00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex",
            "leader-epoch-checkpoint"], Directory.GetFiles(test.PartitionPath).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_cleaners_swap_segment_replaces_the_segments_it_covers()
    {
        using TestLog test = LogWithBatches(6, out List<byte[]> stored,
            LogOptions.Default with { SegmentBytes = 300 });
        long[] bases = test.Log.SegmentBaseOffsets();
        Assert.True(bases.Length >= 4);
        // A cleaner merged the first two segments and kept only the second batch of them.
        byte[] kept = stored[1];

        test.ReopenAfterCrash(t => File.WriteAllBytes(t.SegmentFile(0, ".log.swap"), kept));

        Assert.Equal(bases[0], test.Log.SegmentBaseOffsets()[0]);
        Assert.DoesNotContain(bases[1], test.Log.SegmentBaseOffsets());
        Assert.Equal([kept, .. stored[2..]], test.ReadAll());
    }

    [Fact]
    public void Recovery_rebuilds_the_index_so_lookups_land_on_batches()
    {
        using TestLog test = LogWithBatches(40, out List<byte[]> stored);

        test.ReopenAfterCrash(t => File.Delete(t.SegmentFile(0, ".index")));

        using LogReadResult read = test.Log.Read(61, 1);
        Assert.Equal(60, read.FirstOffset);
        Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(read.ToArray(), out _));
    }
}
