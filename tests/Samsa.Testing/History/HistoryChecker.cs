namespace Samsa.Testing.History;

/// <summary>
/// Checks a <see cref="WriteHistory"/> without trusting the broker: every acknowledged write must be read, once, at
/// the offset it was acknowledged at; a producer's writes to a partition must land in the order it sent them; a
/// consumer must not skip records nor go backwards within a partition. Anomalies carry the names Jepsen's Kafka
/// checkers give them, so figures compare with published analyses.
/// </summary>
public static class HistoryChecker
{
    public static HistoryReport Check(WriteHistory history)
    {
        IReadOnlyList<Send> sends = history.Sends;
        IReadOnlyList<ReadRecord> reads = history.Reads;
        var sendByValue = sends.ToDictionary(s => s.Value, StringComparer.Ordinal);
        var readOffsets = new Dictionary<string, SortedSet<long>>(StringComparer.Ordinal);
        var valuesAt = new Dictionary<(int Partition, long Offset), SortedSet<string>>();
        var highestRead = new Dictionary<int, long>();
        foreach (ReadRecord read in reads)
        {
            Add(readOffsets, read.Value, read.Offset);
            Add(valuesAt, (read.Partition, read.Offset), read.Value);
            highestRead[read.Partition] = Math.Max(highestRead.GetValueOrDefault(read.Partition, -1), read.Offset);
        }
        Send[] acknowledged = [.. sends.Where(s => s.Outcome == SendOutcome.Acknowledged)];
        foreach (Send send in acknowledged) Add(valuesAt, (send.Partition, send.Offset), send.Value);

        return new HistoryReport
        {
            Acknowledged = acknowledged.Length,
            Read = readOffsets.Count,
            LostWrites = [.. acknowledged.Where(s => !readOffsets.ContainsKey(s.Value)
                && highestRead.GetValueOrDefault(s.Partition, -1) > s.Offset)],
            Unread = [.. acknowledged.Where(s => !readOffsets.ContainsKey(s.Value)
                && highestRead.GetValueOrDefault(s.Partition, -1) <= s.Offset)],
            Duplicates = [.. readOffsets.Where(kv => kv.Value.Count > 1)
                .Select(kv => new Duplicate(kv.Key, [.. kv.Value]))],
            InconsistentOffsets = [.. valuesAt.Where(kv => kv.Value.Count > 1)
                .Select(kv => new InconsistentOffset(kv.Key.Partition, kv.Key.Offset, [.. kv.Value]))],
            MovedOffsets = [.. acknowledged.Where(s => readOffsets.TryGetValue(s.Value, out SortedSet<long>? seen)
                    && !seen.Contains(s.Offset))
                .Select(s => new MovedOffset(s, [.. readOffsets[s.Value]]))],
            NonmonotonicSends = NonmonotonicSends(acknowledged),
            Unexpected = [.. reads.Where(r => !sendByValue.ContainsKey(r.Value)).Select(r => r.Value).Distinct()],
            PollSkips = PollSkips(reads, valuesAt),
            NonmonotonicPolls = NonmonotonicPolls(reads),
            LongestAcknowledgementGap = LongestGaps(acknowledged),
        };
    }

    /// <summary>
    /// When <paramref name="partition"/> took writes again after <paramref name="since"/>: the acknowledgement of the
    /// first send attempted then or later that was acknowledged; null when none was.
    /// </summary>
    public static TimeSpan? RecoveredAt(WriteHistory history, int partition, TimeSpan since) =>
        history.Sends
            .Where(s => s.Partition == partition && s.AttemptedAt >= since && s.Outcome == SendOutcome.Acknowledged)
            .OrderBy(s => s.AttemptedAt).Select(s => s.CompletedAt).FirstOrDefault();

    // A producer's acknowledged writes to one partition, in the order it sent them, must have rising offsets.
    private static List<NonmonotonicSend> NonmonotonicSends(Send[] acknowledged)
    {
        var found = new List<NonmonotonicSend>();
        foreach (IGrouping<(string, int), Send> stream in acknowledged.GroupBy(s => (s.Producer, s.Partition)))
        {
            Send? previous = null;
            foreach (Send send in stream)
            {
                if (previous is not null && send.Offset <= previous.Offset)
                    found.Add(new NonmonotonicSend(previous, send));
                previous = send;
            }
        }
        return found;
    }

    // A consumer that reads offset a and then offset b of a partition, with a record known (read by anyone, or
    // acknowledged) at an offset between them, skipped it.
    private static List<PollSkip> PollSkips(IReadOnlyList<ReadRecord> reads,
        Dictionary<(int Partition, long Offset), SortedSet<string>> valuesAt)
    {
        var known = valuesAt.Keys.GroupBy(k => k.Partition)
            .ToDictionary(g => g.Key, g => new SortedSet<long>(g.Select(k => k.Offset)));
        var found = new List<PollSkip>();
        foreach (IGrouping<(string, int), ReadRecord> stream in reads.GroupBy(r => (r.Consumer, r.Partition)))
        {
            ReadRecord? previous = null;
            foreach (ReadRecord read in stream)
            {
                if (previous is not null && read.Offset > previous.Offset + 1
                    && known[read.Partition].GetViewBetween(previous.Offset + 1, read.Offset - 1).Count > 0)
                    found.Add(new PollSkip(previous, read));
                previous = read;
            }
        }
        return found;
    }

    // A consumer's successive reads of a partition must not go backwards. A consumer reads again legitimately after
    // a rebalance or a seek (from the committed offset): the workload names it anew then, as one consumer session.
    private static List<NonmonotonicPoll> NonmonotonicPolls(IReadOnlyList<ReadRecord> reads)
    {
        var found = new List<NonmonotonicPoll>();
        foreach (IGrouping<(string, int), ReadRecord> stream in reads.GroupBy(r => (r.Consumer, r.Partition)))
        {
            ReadRecord? previous = null;
            foreach (ReadRecord read in stream)
            {
                if (previous is not null && read.Offset <= previous.Offset)
                    found.Add(new NonmonotonicPoll(previous, read));
                previous = read;
            }
        }
        return found;
    }

    private static Dictionary<int, TimeSpan> LongestGaps(Send[] acknowledged) =>
        acknowledged.GroupBy(s => s.Partition).ToDictionary(g => g.Key, g =>
        {
            TimeSpan[] times = [.. g.Select(s => s.CompletedAt!.Value).Order()];
            TimeSpan longest = TimeSpan.Zero;
            for (int i = 1; i < times.Length; i++)
            {
                TimeSpan gap = times[i] - times[i - 1];
                if (gap > longest) longest = gap;
            }
            return longest;
        });

    private static void Add<TKey, TValue>(Dictionary<TKey, SortedSet<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out SortedSet<TValue>? set)) map[key] = set = [];
        set.Add(value);
    }
}
