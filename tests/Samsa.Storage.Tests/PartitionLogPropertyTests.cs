using CsCheck;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

// Random sequences of operations against a real log and a simple in-memory model of what Kafka's rules say the log
// holds: segments with their batches, the log start and end offsets, and the leader epochs. After every operation the
// whole visible log is read back and compared, byte for byte. CsCheck prints the seed of a failing run; set
// CsCheck_Seed to replay it.
public sealed class PartitionLogPropertyTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private abstract record Op;

    private sealed record Append(int Records, int ValueBytes, int AdvanceMs) : Op;

    private sealed record NewEpoch : Op;

    private sealed record Roll : Op;

    private sealed record Truncate(double Fraction) : Op;

    private sealed record DeleteRecords(double Fraction) : Op;

    private sealed record Retention(int RetentionMinutes, int RetentionBytes) : Op;

    private sealed record AdvanceTime(int Minutes) : Op;

    private sealed record ReopenClean : Op;

    private sealed record ReopenAfterCrash(int Tail) : Op;

    private sealed record ReadAt(double Fraction, int MaxBytes) : Op;

    private sealed record FindByTimestamp(int MinutesBack) : Op;

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (30, Gen.Select(Gen.Int[1, 5], Gen.Int[0, 150], Gen.Int[0, 90_000], (r, v, t) => (Op)new Append(r, v, t))),
        (3, Gen.Const((Op)new NewEpoch())),
        (3, Gen.Const((Op)new Roll())),
        (4, Gen.Double[0, 1.1].Select(f => (Op)new Truncate(f))),
        (3, Gen.Double[0, 1].Select(f => (Op)new DeleteRecords(f))),
        (4, Gen.Select(Gen.Int[-1, 30], Gen.Int[-1, 3000], (m, b) => (Op)new Retention(m, b))),
        (3, Gen.Int[0, 20].Select(m => (Op)new AdvanceTime(m))),
        (3, Gen.Const((Op)new ReopenClean())),
        (4, Gen.Int[0, 3].Select(t => (Op)new ReopenAfterCrash(t))),
        (5, Gen.Select(Gen.Double[0, 1], Gen.Int[1, 1500], (f, m) => (Op)new ReadAt(f, m))),
        (3, Gen.Int[0, 40].Select(m => (Op)new FindByTimestamp(m))));

    private static readonly Gen<(int SegmentBytes, bool Fsync, Op[] Ops)> GenRun = Gen.Select(
        Gen.Int[1200, 4000], Gen.Int[0, 9].Select(i => i == 0), GenOp.Array[1, 40]);

    [Fact]
    public void Random_operations_read_back_what_the_model_holds() =>
        GenRun.Sample(run => Check(run.SegmentBytes, run.Fsync, run.Ops),
            print: run => $"segment.bytes={run.SegmentBytes} fsync={run.Fsync}\n  " +
                string.Join("\n  ", run.Ops.Select(o => o.ToString())));

    private static void Check(int segmentBytes, bool fsync, Op[] ops)
    {
        using var run = new Run(segmentBytes, fsync);
        for (int step = 0; step < ops.Length; step++)
        {
            Op op = ops[step];
            try
            {
                run.Apply(op);
                run.Model.CheckAgainst(run.Test);
            }
            catch (Exception e) when (e is not StepFailedException)
            {
                throw new StepFailedException($"step {step} ({op}) failed: {e.Message}", e);
            }
        }
    }

    /// <summary>One run: the log under test, the model beside it, and the leader epoch and value fill of the next
    /// append.</summary>
    private sealed class Run : IDisposable
    {
        private readonly LogOptions _options;
        private int _epoch;
        private byte _fill;

        public Run(int segmentBytes, bool fsync)
        {
            _options = LogOptions.Default with
            {
                SegmentBytes = segmentBytes,
                SegmentTime = TimeSpan.FromMinutes(10),
                IndexIntervalBytes = 200,
                RetentionTime = Timeout.InfiniteTimeSpan,
                FlushMode = fsync ? LogFlushMode.Fsync : LogFlushMode.Replicated,
            };
            Test = new TestLog(_options, time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start));
            Model = new Model(segmentBytes, (long)_options.SegmentTime.TotalMilliseconds);
        }

        public TestLog Test { get; }

        public Model Model { get; }

        public void Dispose() => Test.Dispose();

        public void Apply(Op op)
        {
            switch (op)
            {
                case Append append:
                    AppendBatch(append);
                    break;
                case NewEpoch:
                    _epoch++;
                    break;
                case Roll:
                    Assert.Equal(LogStatus.Ok, Test.Log.Roll());
                    Model.Roll();
                    break;
                case Truncate truncate:
                    long to = (long)(Model.NextOffset * truncate.Fraction);
                    Assert.Equal(LogStatus.Ok, Test.Log.TruncateTo(to));
                    Model.TruncateTo(to, Test.NowMs);
                    break;
                case DeleteRecords delete:
                    long before = Model.LogStart + (long)((Model.NextOffset - Model.LogStart) * delete.Fraction);
                    Assert.Equal(LogStatus.Ok, Test.Log.DeleteRecordsBefore(before));
                    Model.DeleteRecordsBefore(before);
                    break;
                case Retention retention:
                    ApplyRetention(retention);
                    break;
                case AdvanceTime advance:
                    Test.Time.Advance(TimeSpan.FromMinutes(advance.Minutes));
                    break;
                case ReopenClean:
                    Test.ReopenClean();
                    Model.Reopened();
                    break;
                case ReopenAfterCrash crash:
                    Test.ReopenAfterCrash(t => DamageTail(t, crash.Tail));
                    Model.Reopened();
                    break;
                case ReadAt read:
                    CheckRead(Test, Model, read);
                    break;
                case FindByTimestamp find:
                    long target = Test.NowMs - (find.MinutesBack * 60_000L);
                    Assert.Equal(ReadStatus.Ok, Test.Log.FindOffsetByTimestamp(target, out TimestampAndOffset? found));
                    Assert.Equal(Model.FindOffsetByTimestamp(target), found?.Offset);
                    break;
            }
        }

        private void AppendBatch(Append append)
        {
            Test.Time.Advance(TimeSpan.FromMilliseconds(append.AdvanceMs));
            byte[] batch = Batches.Create(append.Records, Test.NowMs, append.ValueBytes, _fill++, 1);
            byte[] expected = Model.Append(batch, _epoch, Test.NowMs);
            AppendResult result = Test.Append(batch, _epoch);
            Assert.Equal(AppendStatus.Ok, result.Status);
            Assert.Equal(expected, batch);
        }

        /// <summary>One retention pass under the given limits, then the run's own options again.</summary>
        private void ApplyRetention(Retention retention)
        {
            TimeSpan time = retention.RetentionMinutes < 0
                ? Timeout.InfiniteTimeSpan
                : TimeSpan.FromMinutes(retention.RetentionMinutes);
            Test.Log.UpdateOptions(_options with { RetentionTime = time, RetentionBytes = retention.RetentionBytes });
            int deleted = Test.Log.DeleteOldSegments();
            Assert.Equal(Model.ApplyRetention(Test.NowMs, (long)time.TotalMilliseconds,
                retention.RetentionBytes), deleted);
            Test.Log.UpdateOptions(_options);
        }
    }

    private sealed class StepFailedException(string message, Exception inner) : Exception(message, inner);

    /// <summary>What a crash may leave after the last whole batch: nothing, garbage, half a batch, a bad CRC.</summary>
    private static void DamageTail(TestLog test, int kind)
    {
        if (kind == 0) return;
        string last = Directory.GetFiles(test.PartitionPath, "*.log").Order(StringComparer.Ordinal).Last();
        byte[] tail = Batches.Stamped(Batches.Create(2, 0, valueBytes: 30), long.MaxValue / 2, 0);
        tail = kind switch
        {
            1 => [.. Enumerable.Range(0, 37).Select(i => (byte)(i * 7 + 3))],
            2 => tail[..(tail.Length / 2)],
            _ => [.. tail[..^1], (byte)(tail[^1] ^ 0x40)],
        };
        using var stream = new FileStream(last, FileMode.Append);
        stream.Write(tail);
    }

    private static void CheckRead(TestLog test, Model model, ReadAt read)
    {
        long offset = model.LogStart + (long)((model.NextOffset - model.LogStart) * read.Fraction);
        using LogReadResult result = test.Log.Read(offset, read.MaxBytes);
        Assert.Equal(ReadStatus.Ok, result.Status);
        List<byte[]> expected = model.ReadFrom(offset, read.MaxBytes);
        Assert.Equal(expected, result.IsEmpty ? [] : Batches.Split(result.ToArray()));
    }

    /// <summary>Kafka's rules for one partition log, with none of the files.</summary>
    private sealed class Model(int segmentBytes, long segmentMs)
    {
        private readonly List<Segment> _segments = [new Segment(0)];
        private readonly List<(int Epoch, long Start)> _epochs = [];

        public long LogStart { get; private set; }

        public long NextOffset { get; private set; }

        private Segment Active => _segments[^1];

        public byte[] Append(byte[] batch, int epoch, long now)
        {
            if (Active.Batches.Count > 0
                && (Active.Size + batch.Length > segmentBytes || now - Active.RollBase > segmentMs))
                _segments.Add(new Segment(NextOffset));
            byte[] stored = Batches.Stamped(batch, NextOffset, epoch);
            if (Active.Batches.Count == 0) Active.RollBase = now;
            Active.Batches.Add(stored);
            if (_epochs.Count == 0 || epoch > _epochs[^1].Epoch)
            {
                // Kafka drops entries that start at or after the new one: a history that no longer exists.
                long start = NextOffset;
                _epochs.RemoveAll(e => e.Start >= start);
                _epochs.Add((epoch, start));
            }
            NextOffset = Batches.Header(stored).NextOffset;
            return stored;
        }

        /// <summary>Loading drops epochs that start at the log end (Kafka's truncateFromEnd at load).</summary>
        public void Reopened()
        {
            long end = NextOffset;
            _epochs.RemoveAll(e => e.Start >= end);
        }

        public void Roll()
        {
            if (Active.Batches.Count > 0) _segments.Add(new Segment(NextOffset));
        }

        public void TruncateTo(long offset, long now)
        {
            if (offset >= NextOffset) return;
            if (offset < LogStart)
            {
                RestartAt(offset);
                return;
            }
            _segments.RemoveAll(s => s.BaseOffset > offset);
            Active.Batches.RemoveAll(b => Batches.Header(b).LastOffset >= offset);
            NextOffset = Active.Batches.Count == 0 ? Active.BaseOffset : Batches.Header(Active.Batches[^1]).NextOffset;
            Active.RollBase = Active.Batches.Count == 0
                ? -1
                : Math.Min(Batches.Header(Active.Batches[0]).MaxTimestamp, now);
            _epochs.RemoveAll(e => e.Start >= NextOffset);
            if (NextOffset < LogStart) RestartAt(LogStart);
        }

        private void RestartAt(long offset)
        {
            _segments.Clear();
            _segments.Add(new Segment(offset));
            LogStart = offset;
            NextOffset = offset;
            _epochs.Clear();
        }

        public void DeleteRecordsBefore(long offset)
        {
            if (offset <= LogStart) return;
            LogStart = offset;
            TruncateEpochsFromStart();
            while (_segments.Count > 1 && _segments[1].BaseOffset <= LogStart)
                _segments.RemoveAt(0);
        }

        public int ApplyRetention(long now, long retentionMs, long retentionBytes)
        {
            int count = 0;
            while (count < _segments.Count - 1 && _segments[count + 1].BaseOffset <= LogStart)
                count++;
            if (retentionMs >= 0)
            {
                while (count < _segments.Count - 1 && now - _segments[count].MaxTimestamp > retentionMs)
                    count++;
            }
            if (retentionBytes >= 0)
            {
                long excess = _segments.Skip(count).Sum(s => (long)s.Size) - retentionBytes;
                while (count < _segments.Count - 1 && excess - _segments[count].Size >= 0)
                {
                    excess -= _segments[count].Size;
                    count++;
                }
            }
            _segments.RemoveRange(0, count);
            if (_segments[0].BaseOffset > LogStart)
            {
                LogStart = _segments[0].BaseOffset;
                TruncateEpochsFromStart();
            }
            return count;
        }

        private void TruncateEpochsFromStart()
        {
            while (_epochs.Count > 1 && _epochs[1].Start <= LogStart)
                _epochs.RemoveAt(0);
            if (_epochs.Count > 0 && _epochs[0].Start < LogStart) _epochs[0] = (_epochs[0].Epoch, LogStart);
            long end = NextOffset;
            _epochs.RemoveAll(e => e.Start >= end);
        }

        private IEnumerable<byte[]> Visible() => _segments.SelectMany(s => s.Batches)
            .Where(b => Batches.Header(b).LastOffset >= LogStart);

        public List<byte[]> ReadFrom(long offset, int maxBytes)
        {
            var result = new List<byte[]>();
            Segment? segment =
                _segments.FirstOrDefault(s => s.Batches.Any(b => Batches.Header(b).LastOffset >= offset));
            if (segment is null) return result;
            int total = 0;
            foreach (byte[] batch in segment.Batches.Where(b => Batches.Header(b).LastOffset >= offset))
            {
                if (total + batch.Length > maxBytes && result.Count > 0) break;
                result.Add(batch);
                total += batch.Length;
            }
            return result;
        }

        public long? FindOffsetByTimestamp(long target)
        {
            foreach (byte[] batch in Visible())
            {
                var header = Batches.Header(batch);
                for (int i = 0; i <= header.LastOffsetDelta; i++)
                {
                    long offset = header.BaseOffset + i;
                    if (offset >= LogStart && header.BaseTimestamp + i >= target) return offset;
                }
            }
            return null;
        }

        public void CheckAgainst(TestLog test)
        {
            PartitionLog log = test.Log;
            Assert.Equal(LogStart, log.LogStartOffset);
            Assert.Equal(NextOffset, log.LogEndOffset);
            Assert.Equal(_segments.Select(s => s.BaseOffset), log.SegmentBaseOffsets());
            Assert.Equal(Visible().ToList(), test.ReadAll(maxBytes: 700));
            Assert.Equal(_epochs.Select(e => new Checkpoints.EpochEntry(e.Epoch, e.Start)), log.LeaderEpochEntries);
        }

        private sealed class Segment(long baseOffset)
        {
            public long BaseOffset { get; } = baseOffset;

            public List<byte[]> Batches { get; } = [];

            public long RollBase { get; set; } = -1;

            public int Size => Batches.Sum(b => b.Length);

            public long MaxTimestamp => Batches.Max(b => Support.Batches.Header(b).MaxTimestamp);
        }
    }
}
