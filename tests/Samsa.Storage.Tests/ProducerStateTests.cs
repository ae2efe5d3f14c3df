using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using Samsa.Protocol.Records;
using Samsa.Storage.ProducerState;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

/// <summary>The idempotent producer's sequence and epoch state machine, through the partition log.</summary>
public sealed class ProducerStateTests
{
    private const long ProducerId = 1000;

    private static byte[] Batch(long producerId, short epoch, int baseSequence, int records, long timestamp)
    {
        var builder = new RecordBatchBuilder
        {
            ProducerId = producerId,
            ProducerEpoch = epoch,
            BaseSequence = baseSequence,
        };
        for (int i = 0; i < records; i++)
            builder.Add([(byte)i], [(byte)baseSequence, (byte)i], timestamp);
        return builder.Build();
    }

    private static byte[] Batch(TestLog test, int baseSequence, int records = 1, short epoch = 0) =>
        Batch(ProducerId, epoch, baseSequence, records, test.NowMs);

    [Fact]
    public void An_unknown_producer_may_start_at_any_sequence()
    {
        using var test = new TestLog();

        AppendResult result = test.Append(Batch(test, baseSequence: 42));

        Assert.Equal(AppendStatus.Ok, result.Status);
        Assert.False(result.IsDuplicate);
        ProducerDescription producer = Assert.Single(test.Log.DescribeProducers());
        Assert.Equal(new ProducerDescription(ProducerId, 0, 42, test.NowMs, -1, -1), producer);
    }

    [Fact]
    public void Batches_in_sequence_are_appended()
    {
        using var test = new TestLog();

        Assert.Equal(0, test.Append(Batch(test, 0, records: 3)).FirstOffset);
        Assert.Equal(3, test.Append(Batch(test, 3, records: 2)).FirstOffset);
        Assert.Equal(5, test.Append(Batch(test, 5)).FirstOffset);

        Assert.Equal(6, test.Log.LogEndOffset);
        Assert.Equal(5, Assert.Single(test.Log.DescribeProducers()).LastSequence);
    }

    [Fact]
    public void A_retry_of_any_of_the_last_five_batches_gets_its_original_offsets_and_is_not_appended()
    {
        using var test = new TestLog();
        var originals = new List<AppendResult>();
        for (int i = 0; i < 6; i++)
            originals.Add(test.Append(Batch(test, i * 2, records: 2)));
        long end = test.Log.LogEndOffset;

        for (int i = 1; i < 6; i++)
        {
            AppendResult retry = test.Append(Batch(test, i * 2, records: 2));
            Assert.Equal(AppendStatus.Ok, retry.Status);
            Assert.True(retry.IsDuplicate);
            Assert.Equal(originals[i].FirstOffset, retry.FirstOffset);
            Assert.Equal(originals[i].LastOffset, retry.LastOffset);
        }
        Assert.Equal(end, test.Log.LogEndOffset);
        // The sixth-last batch is forgotten: its retry is out of order, not a duplicate.
        Assert.Equal(AppendStatus.OutOfOrderSequence, test.Append(Batch(test, 0, records: 2)).Status);
        Assert.Equal(end, test.Log.LogEndOffset);
    }

    [Fact]
    public void A_batch_matching_only_part_of_a_remembered_range_is_out_of_order()
    {
        using var test = new TestLog();
        test.Append(Batch(test, 0, records: 4));

        Assert.Equal(AppendStatus.OutOfOrderSequence, test.Append(Batch(test, 0, records: 2)).Status);
        Assert.Equal(AppendStatus.OutOfOrderSequence, test.Append(Batch(test, 2, records: 2)).Status);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(100)]
    [InlineData(-5 + 10)]
    public void A_gap_in_the_sequence_is_out_of_order(int next)
    {
        using var test = new TestLog();
        test.Append(Batch(test, 0));

        AppendResult result = test.Append(Batch(test, next));

        Assert.Equal(AppendStatus.OutOfOrderSequence, result.Status);
        Assert.Equal(1, test.Log.LogEndOffset);
        Assert.Equal(0, Assert.Single(test.Log.DescribeProducers()).LastSequence);
    }

    [Fact]
    public void An_older_epoch_is_fenced()
    {
        using var test = new TestLog();
        test.Append(Batch(test, 0, epoch: 3));

        Assert.Equal(AppendStatus.InvalidProducerEpoch, test.Append(Batch(test, 1, epoch: 2)).Status);
        Assert.Equal(AppendStatus.InvalidProducerEpoch, test.Append(Batch(test, 0, epoch: 2)).Status);
        Assert.Equal(1, test.Log.LogEndOffset);
    }

    [Fact]
    public void A_new_epoch_starts_at_sequence_zero_and_forgets_the_old_epochs_batches()
    {
        using var test = new TestLog();
        test.Append(Batch(test, 0, records: 5));

        Assert.Equal(AppendStatus.OutOfOrderSequence, test.Append(Batch(test, 5, epoch: 1)).Status);
        AppendResult bumped = test.Append(Batch(test, 0, records: 5, epoch: 1));
        Assert.Equal(AppendStatus.Ok, bumped.Status);
        Assert.False(bumped.IsDuplicate);
        Assert.Equal(5, bumped.FirstOffset);
        // The old epoch is fenced now, even for a retry of its batch.
        Assert.Equal(AppendStatus.InvalidProducerEpoch, test.Append(Batch(test, 0, records: 5)).Status);
        Assert.Equal(1, Assert.Single(test.Log.DescribeProducers()).ProducerEpoch);
    }

    [Fact]
    public void Sequences_wrap_at_int_max_value()
    {
        using var test = new TestLog();
        test.Append(Batch(test, int.MaxValue - 1, records: 2));

        Assert.Equal(AppendStatus.Ok, test.Append(Batch(test, 0, records: 3)).Status);
        Assert.Equal(2, Assert.Single(test.Log.DescribeProducers()).LastSequence);
        Assert.True(test.Append(Batch(test, int.MaxValue - 1, records: 2)).IsDuplicate);

        // A batch that itself crosses the wrap.
        using var other = new TestLog();
        other.Append(Batch(other, int.MaxValue - 2, records: 1));
        Assert.Equal(AppendStatus.Ok, other.Append(Batch(other, int.MaxValue - 1, records: 4)).Status);
        Assert.Equal(1, Assert.Single(other.Log.DescribeProducers()).LastSequence);
        Assert.Equal(AppendStatus.Ok, other.Append(Batch(other, 2)).Status);
    }

    [Fact]
    public void Producers_are_tracked_separately()
    {
        using var test = new TestLog();
        test.Append(Batch(1, 0, 0, 1, test.NowMs));
        test.Append(Batch(2, 0, 7, 1, test.NowMs));

        Assert.Equal(AppendStatus.Ok, test.Append(Batch(1, 0, 1, 1, test.NowMs)).Status);
        Assert.Equal(AppendStatus.OutOfOrderSequence, test.Append(Batch(2, 0, 9, 1, test.NowMs)).Status);
        Assert.Equal([1L, 2L], test.Log.DescribeProducers().Select(p => p.ProducerId));
    }

    [Fact]
    public void A_batch_without_a_base_sequence_is_invalid()
    {
        using var test = new TestLog();

        Assert.Equal(AppendStatus.InvalidRecords, test.Append(Batch(test, RecordBatchHeader.NoSequence)).Status);
    }

    [Fact]
    public void Batches_without_a_producer_id_are_not_tracked()
    {
        using var test = new TestLog();
        test.Append(Batches.Create(3, test.NowMs));
        test.Append(Batches.Create(3, test.NowMs));

        Assert.Empty(test.Log.DescribeProducers());
    }

    [Fact]
    public void An_idle_producer_expires_after_producer_id_expiration()
    {
        using var test = new TestLog(LogOptions.Default with { ProducerIdExpiration = TimeSpan.FromMinutes(5) });
        test.Append(Batch(test, 0));

        test.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.Single(test.Log.DescribeProducers());
        Assert.Equal(AppendStatus.OutOfOrderSequence, test.Append(Batch(test, 5)).Status);

        test.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Empty(test.Log.DescribeProducers());
        // Forgotten: its next batch starts a new sequence wherever it is (KIP-360), and is not a duplicate.
        AppendResult result = test.Append(Batch(test, 5));
        Assert.Equal(AppendStatus.Ok, result.Status);
        Assert.Equal(1, result.FirstOffset);
    }

    [Fact]
    public void Expired_producers_are_swept_by_later_appends_and_left_out_of_snapshots()
    {
        using var test = new TestLog(LogOptions.Default with { ProducerIdExpiration = TimeSpan.FromMinutes(1) });
        test.Append(Batch(1, 0, 0, 1, test.NowMs));
        test.Time.Advance(TimeSpan.FromMinutes(11));
        test.Append(Batch(2, 0, 0, 1, test.NowMs));

        test.ReopenClean();

        Assert.Equal([2L], test.Log.DescribeProducers().Select(p => p.ProducerId));
    }

    [Fact]
    public void A_roll_and_a_clean_close_write_snapshots_named_by_offset()
    {
        using var test = new TestLog();
        test.Append(Batch(test, 0, records: 2));
        Assert.Equal(LogStatus.Ok, test.Log.Roll());
        test.Append(Batch(test, 2));

        Assert.Equal([2L], test.Log.ProducerSnapshotOffsets());
        Assert.True(File.Exists(test.SegmentFile(2, ".snapshot")));
        test.ReopenClean();
        Assert.Equal([2L, 3L], test.Log.ProducerSnapshotOffsets());
    }

    [Fact]
    public void The_snapshot_has_kafkas_layout()
    {
        using var test = new TestLog();
        test.Append(Batch(test, 10, records: 3));
        test.Append(Batch(test, 13, records: 2));
        test.ReopenClean();

        byte[] bytes = File.ReadAllBytes(test.SegmentFile(5, ".snapshot"));
        Assert.Equal(1, BinaryPrimitives.ReadInt16BigEndian(bytes));
        Assert.Equal(Crc32C.Compute(bytes.AsSpan(6)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(2)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(6)));
        Assert.Equal(10 + 2 * 46, bytes.Length);
        // The last entry is the producer's last batch: what Kafka's reader keeps.
        ReadOnlySpan<byte> last = bytes.AsSpan(10 + 46, 46);
        Assert.Equal(ProducerId, BinaryPrimitives.ReadInt64BigEndian(last));
        Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(last[8..]));
        Assert.Equal(14, BinaryPrimitives.ReadInt32BigEndian(last[10..]));    // last sequence
        Assert.Equal(4, BinaryPrimitives.ReadInt64BigEndian(last[14..]));     // last offset
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(last[22..]));     // offset delta
        Assert.Equal(test.NowMs, BinaryPrimitives.ReadInt64BigEndian(last[26..]));
        Assert.Equal(-1, BinaryPrimitives.ReadInt32BigEndian(last[34..]));    // coordinator epoch
        Assert.Equal(-1, BinaryPrimitives.ReadInt64BigEndian(last[38..]));    // no open transaction
    }

    [Fact]
    public void A_clean_restart_still_answers_retries_of_the_last_five_batches()
    {
        using var test = new TestLog();
        var originals = new List<AppendResult>();
        for (int i = 0; i < 7; i++)
            originals.Add(test.Append(Batch(test, i)));

        test.ReopenClean();

        for (int i = 2; i < 7; i++)
        {
            AppendResult retry = test.Append(Batch(test, i));
            Assert.True(retry.IsDuplicate);
            Assert.Equal(originals[i].FirstOffset, retry.FirstOffset);
        }
        Assert.Equal(AppendStatus.Ok, test.Append(Batch(test, 7)).Status);
        Assert.Equal(8, test.Log.LogEndOffset);
    }

    [Fact]
    public void After_a_crash_the_state_comes_back_from_the_last_snapshot_and_the_batches_after_it()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 400 });
        var originals = new List<AppendResult>();
        for (int i = 0; i < 20; i++)
            originals.Add(test.Append(Batch(test, i)));
        Assert.True(test.Log.SegmentCount > 2);
        Assert.NotEmpty(test.Log.ProducerSnapshotOffsets());

        test.ReopenAfterCrash();

        Assert.Equal(19, Assert.Single(test.Log.DescribeProducers()).LastSequence);
        for (int i = 15; i < 20; i++)
            Assert.Equal(originals[i].FirstOffset, test.Append(Batch(test, i)).FirstOffset);
        Assert.Equal(AppendStatus.OutOfOrderSequence, test.Append(Batch(test, 21)).Status);
        Assert.Equal(20, test.Append(Batch(test, 20)).FirstOffset);
    }

    [Fact]
    public void Without_snapshots_the_state_is_rebuilt_from_the_log_alone()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 400 });
        for (int i = 0; i < 20; i++)
            test.Append(Batch(test, i));
        List<ProducerDescription> before = test.Log.DescribeProducers();

        test.ReopenAfterCrash(t =>
        {
            foreach (string file in Directory.GetFiles(t.PartitionPath, "*.snapshot"))
                File.Delete(file);
        });

        Assert.Equal(before, test.Log.DescribeProducers());
        Assert.True(test.Append(Batch(test, 16)).IsDuplicate);
    }

    [Fact]
    public void A_corrupt_snapshot_is_deleted_and_an_older_one_and_the_log_are_used()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 400 });
        for (int i = 0; i < 20; i++)
            test.Append(Batch(test, i));
        long latest = test.Log.ProducerSnapshotOffsets()[^1];

        test.ReopenAfterCrash(t =>
        {
            string path = t.SegmentFile(latest, ".snapshot");
            byte[] bytes = File.ReadAllBytes(path);
            bytes[^1] ^= 0xFF;
            File.WriteAllBytes(path, bytes);
        });

        Assert.DoesNotContain(latest, test.Log.ProducerSnapshotOffsets());
        Assert.True(test.Logger.Has(Microsoft.Extensions.Logging.LogLevel.Warning, 2025));
        Assert.Equal(19, Assert.Single(test.Log.DescribeProducers()).LastSequence);
        Assert.True(test.Append(Batch(test, 19)).IsDuplicate);
    }

    [Fact]
    public void Truncation_rebuilds_the_state_so_a_cut_batch_can_be_written_again()
    {
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 400 });
        for (int i = 0; i < 12; i++)
            test.Append(Batch(test, i));

        Assert.Equal(LogStatus.Ok, test.Log.TruncateTo(8));

        Assert.Equal(7, Assert.Single(test.Log.DescribeProducers()).LastSequence);
        Assert.DoesNotContain(test.Log.ProducerSnapshotOffsets(), o => o > 8);
        AppendResult again = test.Append(Batch(test, 8));
        Assert.False(again.IsDuplicate);
        Assert.Equal(8, again.FirstOffset);
        Assert.True(test.Append(Batch(test, 7)).IsDuplicate);
    }

    [Fact]
    public async Task A_follower_gets_the_leaders_state_from_the_batches_it_appends()
    {
        using var leader = new TestLog();
        for (int i = 0; i < 8; i++)
            leader.Append(Batch(leader, i * 3, records: 3, epoch: i < 4 ? (short)0 : (short)1));
        leader.Append(Batch(2000, 5, 0, 2, leader.NowMs));
        using var follower = new TestLog(time: leader.Time);

        byte[] stored;
        using (LogReadResult read = leader.Log.Read(0, 1 << 20))
            stored = read.ToArray();
        AppendResult result = await follower.Log.AppendAsFollowerAsync(stored);
        Assert.Equal(AppendStatus.Ok, result.Status);

        Assert.Equal(leader.Log.DescribeProducers(), follower.Log.DescribeProducers());
    }

    [Fact]
    public void One_append_may_not_mix_producers()
    {
        using var test = new TestLog();
        byte[] both = [.. Batch(1, 0, 0, 1, test.NowMs), .. Batch(2, 0, 0, 1, test.NowMs)];

        Assert.Equal(AppendStatus.InvalidRecords, test.Append(both).Status);
    }

    [Fact]
    public void Several_batches_of_one_producer_in_one_append_must_follow_each_other()
    {
        using var test = new TestLog();

        Assert.Equal(AppendStatus.Ok, test.Append([.. Batch(test, 0, 2), .. Batch(test, 2, 2)]).Status);
        Assert.Equal(AppendStatus.OutOfOrderSequence, test.Append([.. Batch(test, 4, 2), .. Batch(test, 7, 2)]).Status);
        Assert.Equal(3, Assert.Single(test.Log.DescribeProducers()).LastSequence);
    }

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(int.MaxValue, 0, true)]
    [InlineData(int.MaxValue, 1, false)]
    [InlineData(5, 5, false)]
    [InlineData(5, 7, false)]
    [InlineData(-1, 0, true)]
    public void In_sequence_follows_kafkas_rule(int last, int next, bool expected) =>
        Assert.Equal(expected, ProducerStateManager.InSequence(last, next));

    [Theory]
    [InlineData(10, 3, 7)]
    [InlineData(1, 3, int.MaxValue - 1)]
    [InlineData(0, 0, 0)]
    public void Decrementing_a_sequence_wraps_below_zero(int sequence, int delta, int expected) =>
        Assert.Equal(expected, ProducerStateManager.DecrementSequence(sequence, delta));

    [Fact]
    public void The_state_machine_checks_epoch_before_sequence_and_duplicates_first()
    {
        var time = new FakeTimeProvider();
        var state = new ProducerStateManager(TimeSpan.FromHours(1));
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        state.Record(7, 2, new BatchMetadata(0, 4, 100, 104, now));

        Assert.Equal(ProducerAppendCheck.Duplicate, state.Check(7, 2, 0, 4, now, out BatchMetadata duplicate));
        Assert.Equal(100, duplicate.FirstOffset);
        Assert.Equal(ProducerAppendCheck.InvalidProducerEpoch, state.Check(7, 1, 5, 5, now, out _));
        Assert.Equal(ProducerAppendCheck.OutOfOrderSequence, state.Check(7, 2, 6, 6, now, out _));
        Assert.Equal(ProducerAppendCheck.OutOfOrderSequence, state.Check(7, 3, 5, 5, now, out _));
        Assert.Equal(ProducerAppendCheck.Append, state.Check(7, 3, 0, 0, now, out _));
        Assert.Equal(ProducerAppendCheck.Append, state.Check(7, 2, 5, 9, now, out _));
        Assert.Equal(ProducerAppendCheck.Append, state.Check(8, 0, 77, 77, now, out _));

        time.Advance(TimeSpan.FromHours(1));
        now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(ProducerAppendCheck.Append, state.Check(7, 1, 99, 99, now, out _));
        Assert.Equal(0, state.Count);
    }
}
