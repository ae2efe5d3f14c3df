using Samsa.Testing.History;

namespace Samsa.Tests.Testing;

/// <summary>
/// The history checker on planted histories: a clean run reports nothing, and each anomaly planted in it is caught,
/// by name, and nothing else is reported for it.
/// </summary>
public sealed class HistoryCheckerTests
{
    private static TimeSpan At(int second) => TimeSpan.FromSeconds(second);

    /// <summary>Producer p writes v0..v5 to partition 0 at offsets 0..5 and v6..v9 to partition 1 at 0..3, each
    /// acknowledged a second after it was sent; a consumer reads everything in order.</summary>
    private static WriteHistory Clean(Action<WriteHistory>? changeReads = null, Func<int, long>? ackOffset = null)
    {
        var history = new WriteHistory();
        for (int i = 0; i < 10; i++)
        {
            int partition = i < 6 ? 0 : 1;
            history.Attempted("p", partition, $"v{i}", At(i));
            history.Acknowledged($"v{i}", ackOffset?.Invoke(i) ?? Offset(i), At(i + 1));
        }
        if (changeReads is not null) changeReads(history);
        else ReadAll(history);
        return history;
    }

    /// <summary>v0..v5 sit at offsets 0..5 of partition 0, v6..v9 at 0..3 of partition 1.</summary>
    private static long Offset(int i) => i < 6 ? i : i - 6;

    private static void ReadAll(WriteHistory history, params string[] except) =>
        ReadAllAt(history, Offset, except);

    /// <summary>Consumer c reads v0..v9 in order, each at the offset <paramref name="offsetOf"/> gives.</summary>
    private static void ReadAllAt(WriteHistory history, Func<int, long> offsetOf, params string[] except)
    {
        for (int i = 0; i < 10; i++)
        {
            if (except.Contains($"v{i}")) continue;
            history.Read("c", i < 6 ? 0 : 1, offsetOf(i), $"v{i}");
        }
    }

    [Fact]
    public void A_clean_history_reports_nothing()
    {
        HistoryReport report = HistoryChecker.Check(Clean());

        Assert.True(report.IsClean, report.ToString());
        Assert.Equal((10, 10), (report.Acknowledged, report.Read));
        Assert.Empty(report.Unread);
        Assert.Equal(At(1), report.LongestAcknowledgementGap[0]);
    }

    [Fact]
    public void A_write_acknowledged_and_never_read_while_later_ones_were_is_a_lost_write()
    {
        HistoryReport report = HistoryChecker.Check(Clean(h => ReadAll(h, except: "v2")));

        Send lost = Assert.Single(report.LostWrites);
        Assert.Equal(("v2", 0, 2L), (lost.Value, lost.Partition, lost.Offset));
        Assert.False(report.IsClean);
        Assert.Empty(report.Unread);
        Assert.Contains("lost-write 1", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_write_past_everything_read_is_unread_not_lost()
    {
        HistoryReport report = HistoryChecker.Check(Clean(h => ReadAll(h, except: "v5")));

        Assert.Empty(report.LostWrites);
        Assert.Equal("v5", Assert.Single(report.Unread).Value);
        Assert.True(report.IsClean);
    }

    [Fact]
    public void A_value_at_two_offsets_is_a_duplicate()
    {
        HistoryReport report = HistoryChecker.Check(Clean(h =>
        {
            ReadAll(h);
            h.Read("c2", 0, 6, "v3");
        }));

        Duplicate duplicate = Assert.Single(report.Duplicates);
        Assert.Equal("v3", duplicate.Value);
        Assert.Equal([3L, 6L], duplicate.Offsets);
        Assert.Empty(report.MovedOffsets);   // it is where it was acknowledged, and again elsewhere
        Assert.Empty(report.LostWrites);
    }

    [Fact]
    public void A_value_read_at_another_offset_than_acknowledged_is_a_moved_offset()
    {
        // v4 was acknowledged at 4 but the log holds it at 7 (and nothing at 4).
        HistoryReport report = HistoryChecker.Check(Clean(h => ReadAllAt(h, i => i == 4 ? 7 : Offset(i))));

        MovedOffset moved = Assert.Single(report.MovedOffsets);
        Assert.Equal(("v4", 4L), (moved.Send.Value, moved.Send.Offset));
        Assert.Equal([7L], moved.ReadAt);
        Assert.Contains(report.NonmonotonicPolls, p => p.Before.Value == "v4" && p.After.Value == "v5");
        Assert.Empty(report.LostWrites);
        Assert.Empty(report.Duplicates);
    }

    [Fact]
    public void Two_values_at_one_offset_are_inconsistent_offsets()
    {
        HistoryReport report = HistoryChecker.Check(Clean(h =>
        {
            ReadAll(h);
            h.Read("c2", 1, 3, "v8");
        }));

        InconsistentOffset clash = Assert.Single(report.InconsistentOffsets);
        Assert.Equal((1, 3L), (clash.Partition, clash.Offset));
        Assert.Equal(["v8", "v9"], clash.Values);
    }

    [Fact]
    public void Writes_of_one_producer_landing_out_of_their_send_order_are_a_nonmonotonic_send()
    {
        // v1 and v2 swapped places in the log, and were acknowledged where they landed.
        static long Swapped(int i) => i == 1 ? 2 : i == 2 ? 1 : Offset(i);
        HistoryReport report = HistoryChecker.Check(Clean(h => ReadAllAt(h, Swapped), ackOffset: Swapped));

        NonmonotonicSend reordered = Assert.Single(report.NonmonotonicSends);
        Assert.Equal(("v1", "v2"), (reordered.Earlier.Value, reordered.Later.Value));
        Assert.Empty(report.MovedOffsets);
        Assert.Empty(report.LostWrites);
    }

    [Fact]
    public void A_consumer_jumping_over_a_known_record_is_a_poll_skip()
    {
        HistoryReport report = HistoryChecker.Check(Clean(h =>
        {
            ReadAll(h, except: "v2");
            h.Read("c2", 0, 2, "v2");
        }));

        PollSkip skip = Assert.Single(report.PollSkips);
        Assert.Equal((1L, 3L), (skip.Before.Offset, skip.After.Offset));
        Assert.Empty(report.LostWrites);
    }

    [Fact]
    public void Values_nobody_sent_are_unexpected()
    {
        HistoryReport report = HistoryChecker.Check(Clean(h =>
        {
            ReadAll(h);
            h.Read("c", 1, 4, "ghost");
        }));

        Assert.Equal(["ghost"], report.Unexpected);
        Assert.False(report.IsClean);
    }

    [Fact]
    public void A_partition_recovers_at_the_first_acknowledgement_of_a_send_made_after_the_fault()
    {
        var history = new WriteHistory();
        history.Attempted("p", 0, "a", At(0));
        history.Acknowledged("a", 0, At(1));
        history.Attempted("p", 0, "b", At(2));
        history.Failed("b", At(9));
        history.Attempted("p", 0, "c", At(10));
        history.Acknowledged("c", 1, At(12));

        Assert.Equal(At(12), HistoryChecker.RecoveredAt(history, 0, since: At(2)));
        Assert.Null(HistoryChecker.RecoveredAt(history, 1, since: At(0)));
        Assert.Equal(At(11), HistoryChecker.Check(history).LongestAcknowledgementGap[0]);
    }

    [Fact]
    public void A_value_sent_twice_is_refused_so_the_history_stays_checkable()
    {
        var history = new WriteHistory();
        history.Attempted("p", 0, "a", At(0));

        Assert.Throws<ArgumentException>(() => history.Attempted("q", 1, "a", At(1)));
    }
}
