namespace Samsa.Testing.History;

/// <summary>What <see cref="HistoryChecker"/> found. A clean run has every list empty.</summary>
public sealed record HistoryReport
{
    /// <summary>Writes the broker acknowledged.</summary>
    public int Acknowledged { get; init; }

    /// <summary>Distinct values read.</summary>
    public int Read { get; init; }

    /// <summary>lost-write: acknowledged, never read, though a later offset of its partition was.</summary>
    public IReadOnlyList<Send> LostWrites { get; init; } = [];

    /// <summary>Acknowledged and not read, with nothing read past it: the consumers stopped too early to tell.
    /// </summary>
    public IReadOnlyList<Send> Unread { get; init; } = [];

    /// <summary>duplicate: one value at two or more offsets.</summary>
    public IReadOnlyList<Duplicate> Duplicates { get; init; } = [];

    /// <summary>inconsistent-offsets: one offset holding two or more values (across reads and
    /// acknowledgements).</summary>
    public IReadOnlyList<InconsistentOffset> InconsistentOffsets { get; init; } = [];

    /// <summary>A value read, but not at the offset it was acknowledged at.</summary>
    public IReadOnlyList<MovedOffset> MovedOffsets { get; init; } = [];

    /// <summary>nonmonotonic-send: a producer's later write to a partition at an offset not above its earlier
    /// one.</summary>
    public IReadOnlyList<NonmonotonicSend> NonmonotonicSends { get; init; } = [];

    /// <summary>Values read that no producer sent.</summary>
    public IReadOnlyList<string> Unexpected { get; init; } = [];

    /// <summary>poll-skip: a consumer jumped over a record of the partition it was reading.</summary>
    public IReadOnlyList<PollSkip> PollSkips { get; init; } = [];

    /// <summary>nonmonotonic-poll: a consumer read an offset not above the one it read before.</summary>
    public IReadOnlyList<NonmonotonicPoll> NonmonotonicPolls { get; init; } = [];

    /// <summary>Per partition, the longest time between two acknowledgements: how long it was unavailable at
    /// worst while producers wrote to it.</summary>
    public IReadOnlyDictionary<int, TimeSpan> LongestAcknowledgementGap { get; init; } =
        new Dictionary<int, TimeSpan>();

    /// <summary>True when nothing acknowledged was lost, duplicated, moved or reordered and no consumer skipped or
    /// went back.</summary>
    public bool IsClean => LostWrites.Count == 0 && Duplicates.Count == 0 && InconsistentOffsets.Count == 0
        && MovedOffsets.Count == 0 && NonmonotonicSends.Count == 0 && Unexpected.Count == 0 && PollSkips.Count == 0
        && NonmonotonicPolls.Count == 0;

    /// <summary>One line per figure, for test output and failure messages.</summary>
    public override string ToString() =>
        $"acknowledged {Acknowledged}, read {Read}, lost-write {LostWrites.Count}, unread {Unread.Count}, "
        + $"duplicate {Duplicates.Count}, inconsistent-offsets {InconsistentOffsets.Count}, "
        + $"moved offsets {MovedOffsets.Count}, nonmonotonic-send {NonmonotonicSends.Count}, "
        + $"unexpected {Unexpected.Count}, poll-skip {PollSkips.Count}, nonmonotonic-poll {NonmonotonicPolls.Count}"
        + Examples();

    private string Examples()
    {
        IEnumerable<string> examples = LostWrites.Take(3).Select(s => $"lost {s.Value}@{s.Partition}:{s.Offset}")
            .Concat(Duplicates.Take(3).Select(d => $"duplicate {d.Value} at [{string.Join(",", d.Offsets)}]"))
            .Concat(MovedOffsets.Take(3).Select(m =>
                $"{m.Send.Value} acknowledged at {m.Send.Offset}, read at [{string.Join(",", m.ReadAt)}]"))
            .Concat(NonmonotonicSends.Take(3).Select(n =>
                $"{n.Later.Value}@{n.Later.Offset} sent after {n.Earlier.Value}@{n.Earlier.Offset}"))
            .Concat(PollSkips.Take(3).Select(p =>
                $"{p.After.Consumer} skipped {p.Before.Partition}:{p.Before.Offset + 1}..{p.After.Offset - 1}"));
        string text = string.Join("; ", examples);
        return text.Length == 0 ? "" : " (" + text + ")";
    }
}

/// <summary>A value read at several offsets.</summary>
public sealed record Duplicate(string Value, IReadOnlyList<long> Offsets);

/// <summary>An offset holding several values.</summary>
public sealed record InconsistentOffset(int Partition, long Offset, IReadOnlyList<string> Values);

/// <summary>An acknowledged write read elsewhere than its acknowledged offset.</summary>
public sealed record MovedOffset(Send Send, IReadOnlyList<long> ReadAt);

/// <summary>Two writes of one producer to one partition whose offsets disagree with the order they were sent in.
/// </summary>
public sealed record NonmonotonicSend(Send Earlier, Send Later);

/// <summary>Two successive reads of one consumer with a known record skipped between them.</summary>
public sealed record PollSkip(ReadRecord Before, ReadRecord After);

/// <summary>Two successive reads of one consumer whose offsets went back.</summary>
public sealed record NonmonotonicPoll(ReadRecord Before, ReadRecord After);
