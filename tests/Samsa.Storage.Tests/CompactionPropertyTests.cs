using CsCheck;
using Samsa.Protocol.Compression;
using Microsoft.Extensions.Time.Testing;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

// Random sequences of appends (keys from a small set, some tombstones), rolls, cleaning passes, clock moves, a high
// watermark that trails the log end, follower truncations above it, and reopenings. After every step the log must
// read back, for every key, its latest record (a tombstone may be gone once its horizon passed), only records that
// were written at those offsets, and strictly increasing offsets. CsCheck prints the seed of a failing run; set
// CsCheck_Seed to replay it.
public sealed class CompactionPropertyTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private abstract record Op;

    private sealed record Append((int Key, bool Tombstone)[] Records, CompressionType Compression) : Op;

    private sealed record Roll : Op;

    private sealed record Clean(bool Force) : Op;

    private sealed record AdvanceTime(int Minutes) : Op;

    private sealed record Replicate : Op;

    private sealed record Truncate(double Fraction) : Op;

    private sealed record ReopenClean : Op;

    private sealed record ReopenAfterCrash : Op;

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (40, Gen.Select(Gen.Select(Gen.Int[0, 5], Gen.Int[0, 9], (k, t) => (k, t == 0)).Array[1, 4],
            Gen.Int[0, 7].Select(c => c > 4 ? CompressionType.None : (CompressionType)c),
            (r, c) => (Op)new Append(r, c))),
        (4, Gen.Const((Op)new Roll())),
        (10, Gen.Bool.Select(f => (Op)new Clean(f))),
        (6, Gen.Int[0, 50].Select(m => (Op)new AdvanceTime(m))),
        (8, Gen.Const((Op)new Replicate())),
        (3, Gen.Double[0, 1].Select(f => (Op)new Truncate(f))),
        (3, Gen.Const((Op)new ReopenClean())),
        (3, Gen.Const((Op)new ReopenAfterCrash())));

    private static readonly Gen<(int SegmentBytes, bool Fsync, Op[] Ops)> GenRun = Gen.Select(
        Gen.Int[250, 1200], Gen.Int[0, 5].Select(i => i == 0), GenOp.Array[1, 60]);

    [Fact]
    public void Cleaning_keeps_every_keys_latest_record_and_the_offsets_in_order() =>
        GenRun.Sample(run => Check(run.SegmentBytes, run.Fsync, run.Ops), iter: 60,
            print: run => $"segment.bytes={run.SegmentBytes} fsync={run.Fsync}\n  " +
                string.Join("\n  ", run.Ops.Select(Describe)));

    private static string Describe(Op op) => op is Append append
        ? $"Append({append.Compression}) " +
            string.Join(",", append.Records.Select(r => $"k{r.Key}{(r.Tombstone ? "=null" : "")}"))
        : op.ToString();

    private static void Check(int segmentBytes, bool fsync, Op[] ops)
    {
        using var run = new Run(segmentBytes, fsync);
        for (int step = 0; step < ops.Length; step++)
        {
            Op op = ops[step];
            try
            {
                run.Apply(op);
                run.Verify();
            }
            catch (Exception e) when (e is not StepFailedException)
            {
                throw new StepFailedException($"step {step} ({Describe(op)}) failed: {e.Message}", e);
            }
        }
        try
        {
            run.Settle();
        }
        catch (Exception e) when (e is not StepFailedException)
        {
            throw new StepFailedException($"settling failed: {e.Message}", e);
        }
    }

    /// <summary>One run: the compacted log under test, its cleaner, what was written at each offset, and the high
    /// watermark the cleaner may clean up to.</summary>
    private sealed class Run : IDisposable
    {
        private readonly LogOptions _options;
        private readonly TestLog _test;
        private readonly LogCleaner _cleaner;
        private readonly SortedDictionary<long, (string Key, string? Value)> _written = new();
        private long _highWatermark;
        private int _sequence;

        public Run(int segmentBytes, bool fsync)
        {
            _options = LogOptions.Default with
            {
                SegmentBytes = segmentBytes,
                IndexIntervalBytes = 150,
                CleanupPolicy = CleanupPolicy.Compact,
                DeleteRetention = TimeSpan.FromMinutes(30),
                MinCleanableDirtyRatio = 0.3,
                FlushMode = fsync ? LogFlushMode.Fsync : LogFlushMode.Replicated,
            };
            _test = new TestLog(_options, time: new FakeTimeProvider(Start));
            _cleaner = new LogCleaner(LogCleanerOptions.Default with { DedupeBufferBytes = 1 << 16 }, _test.Time);
        }

        public void Dispose() => _test.Dispose();

        public void Apply(Op op)
        {
            switch (op)
            {
                case Append append:
                    AppendRecords(append);
                    break;
                case Roll:
                    Assert.Equal(LogStatus.Ok, _test.Log.Roll());
                    break;
                case Clean clean:
                    CleanStatus status = _cleaner.Clean(_test.Log, _highWatermark, clean.Force).Status;
                    Assert.True(status is CleanStatus.Cleaned or CleanStatus.NotNeeded, status.ToString());
                    break;
                case AdvanceTime advance:
                    _test.Time.Advance(TimeSpan.FromMinutes(advance.Minutes));
                    break;
                case Replicate:
                    _highWatermark = _test.Log.LogEndOffset;
                    break;
                case Truncate truncate:
                    // A follower truncates only above the high watermark, which is all the cleaner may use.
                    long to = _highWatermark + (long)((_test.Log.LogEndOffset - _highWatermark) * truncate.Fraction);
                    Assert.Equal(LogStatus.Ok, _test.Log.TruncateTo(to));
                    foreach (long offset in _written.Keys.Where(o => o >= _test.Log.LogEndOffset).ToList())
                        _written.Remove(offset);
                    break;
                case ReopenClean:
                    _test.ReopenClean();
                    break;
                case ReopenAfterCrash:
                    _test.ReopenAfterCrash();
                    break;
            }
        }

        private void AppendRecords(Append append)
        {
            var records = append.Records
                .Select(r => ((string?)$"k{r.Key}", r.Tombstone ? null : $"v{_sequence++}")).ToArray();
            AppendResult result = _test.Append(Keyed.Batch(_test.NowMs, append.Compression, records));
            Assert.Equal(AppendStatus.Ok, result.Status);
            for (int i = 0; i < records.Length; i++)
                _written[result.FirstOffset + i] = (records[i].Item1!, records[i].Item2);
            _test.Time.Advance(TimeSpan.FromSeconds(10));
        }

        // Settle: once everything is replicated, rolled and cleaned, each key appears once; a pass after the delete
        // horizon leaves no tombstone.
        public void Settle()
        {
            _highWatermark = _test.Log.LogEndOffset;
            Assert.Equal(LogStatus.Ok, _test.Log.Roll());
            Assert.Equal(CleanStatus.Cleaned, _cleaner.Clean(_test.Log, _highWatermark, force: true).Status);
            Verify();
            List<StoredRecord> settled = Keyed.Records(_test);
            Assert.Equal(settled.Count, settled.Select(r => r.Key).Distinct().Count());
            _test.Time.Advance(_options.DeleteRetention + TimeSpan.FromMinutes(1));
            Assert.Equal(CleanStatus.Cleaned, _cleaner.Clean(_test.Log, _highWatermark, force: true).Status);
            Verify();
            Assert.DoesNotContain(Keyed.Records(_test), r => r.Value is null);
        }

        public void Verify()
        {
            List<StoredRecord> stored = Keyed.Records(_test);
            for (int i = 1; i < stored.Count; i++)
                Assert.True(stored[i].Offset > stored[i - 1].Offset, $"offset {stored[i].Offset} follows itself");
            foreach (StoredRecord record in stored)
            {
                Assert.True(_written.TryGetValue(record.Offset, out (string Key, string? Value) original),
                    $"offset {record.Offset} was never written");
                Assert.Equal(original, (record.Key!, record.Value));
            }
            Assert.Equal(_written.Count == 0 ? _test.Log.LogStartOffset : _written.Keys.Last() + 1,
                _test.Log.LogEndOffset);
            Assert.Equal(LatestByKey(_written).OrderBy(e => e.Key), Replay(stored).OrderBy(e => e.Key));
        }

        // Replaying the log as a consumer rebuilding a table does (a tombstone deletes) gives each key's latest
        // value; the last record of a key is its latest one.
        private static Dictionary<string, (long Offset, string Value)> LatestByKey(
            SortedDictionary<long, (string Key, string? Value)> written)
        {
            var expected = new Dictionary<string, (long Offset, string Value)>();
            foreach (KeyValuePair<long, (string Key, string? Value)> entry in written)
            {
                if (entry.Value.Value is null) expected.Remove(entry.Value.Key);
                else expected[entry.Value.Key] = (entry.Key, entry.Value.Value);
            }
            return expected;
        }

        private static Dictionary<string, (long Offset, string Value)> Replay(List<StoredRecord> stored)
        {
            var replayed = new Dictionary<string, (long Offset, string Value)>();
            foreach (StoredRecord record in stored)
            {
                if (record.Value is null) replayed.Remove(record.Key!);
                else replayed[record.Key!] = (record.Offset, record.Value);
            }
            return replayed;
        }
    }

    private sealed class StepFailedException(string message, Exception inner) : Exception(message, inner);
}
