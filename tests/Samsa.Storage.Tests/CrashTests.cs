using System.Diagnostics;
using System.Globalization;
using Samsa.Protocol.Records;
using Samsa.Storage.Tests.Support;
using Record = Samsa.Protocol.Records.Record;

namespace Samsa.Storage.Tests;

// The acceptance test for durability: a child process (tests/Samsa.Storage.CrashChild) appends in a loop and reports
// each completed append; it is killed with SIGKILL at a random moment, again and again, and the log is reopened
// between runs. After every reopen each reported append must be there, whole, with its payload, and every segment
// must end on a valid batch. In fsync mode the test also cuts each segment file back to the length the child last
// reported as synced, as a power cut may, before reopening. Seeds are printed; SAMSA_CRASH_SEED replays a run.
public sealed class CrashTests
{
    private const int Kills = 20;
    private static readonly TopicPartition Partition = new("crash", 0);

    [Theory]
    [InlineData("replicated")]
    [InlineData("fsync")]
    public async Task Every_reported_append_survives_SIGKILL_and_in_fsync_mode_power_loss(string mode)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("SAMSA_CRASH_SEED"), out int fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        TestContext.Current.SendDiagnosticMessage($"crash test ({mode}) seed {seed}");
        Console.WriteLine($"crash test ({mode}) seed {seed} (SAMSA_CRASH_SEED replays it)");
        var random = new Random(seed);
        string child = Path.Combine(AppContext.BaseDirectory, "Samsa.Storage.CrashChild.dll");
        Assert.True(File.Exists(child), $"{child} is missing: the test project references the child to build it");
        using var root = new TempDirectory();
        string partitionPath = Path.Combine(root.Path, Partition.DirectoryName);
        bool fsync = mode == "fsync";

        var reported = new SortedDictionary<long, Reported>();
        // fsync mode: per segment, the length no power cut can take back (synced by an append or a clean close).
        var durable = new Dictionary<long, long>();
        var stopwatch = Stopwatch.StartNew();
        int killedWhileAppending = 0;
        for (int run = 0; run < Kills; run++)
        {
            // Most runs die while the child appends (some time after its first append completed); some while it is
            // still starting or recovering the log.
            bool whileAppending = run % 4 != 3;
            string[] lines = await RunAndKillAsync(child, root.Path, mode, seed + run, whileAppending,
                random.Next(0, whileAppending ? 100 : 300));
            foreach (string line in lines)
            {
                string[] fields = line.Split(' ');
                if (fields[^1] != "." || fields[0] != "append") continue;
                var append = new Reported(Long(fields[1]), Long(fields[2]), Long(fields[3]), Long(fields[4]),
                    uint.Parse(fields[5], CultureInfo.InvariantCulture));
                reported[append.FirstOffset] = append;
                durable[append.SegmentBaseOffset] = Math.Max(durable.GetValueOrDefault(append.SegmentBaseOffset),
                    append.EndPosition);
            }
            if (lines.Any(l => l.StartsWith("append", StringComparison.Ordinal))) killedWhileAppending++;
            if (fsync) CutToDurableLengths(partitionPath, durable);

            string context = $"seed {seed}, run {run}";
            Verify(root.Path, reported, context, random.Next(2) == 0, durable);
        }

        Console.WriteLine($"crash test ({mode}): {Kills} kills, {killedWhileAppending} while appending, " +
            $"{reported.Count} appends reported, {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.True(killedWhileAppending >= Kills / 2, $"only {killedWhileAppending} kills hit appends ({seed})");
        Assert.NotEmpty(reported);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"took {stopwatch.Elapsed}");
    }

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<string[]> RunAndKillAsync(string child, string logDir, string mode, int seed,
        bool afterFirstAppend, int killAfterMs)
    {
        await using ChildProcess process = ChildProcess.Start(RepoPaths.DotnetHost(),
            [child, logDir, mode, seed.ToString(CultureInfo.InvariantCulture)]);
        if (afterFirstAppend)
        {
            await process.WaitForLineAsync(l => l.StartsWith("append ", StringComparison.Ordinal),
                TimeSpan.FromSeconds(20));
        }
        // The fault itself, not a wait for anything: SIGKILL at a moment drawn from the seed, after the first append
        // or while the child still starts or recovers the log.
        await Task.Delay(killAfterMs, TestContext.Current.CancellationToken);
        if (process.HasExited) Assert.Fail($"the child exited on its own\n{process.Describe()}");
        process.Kill();
        await process.WaitForExitAsync(TimeSpan.FromSeconds(20));
        return process.StandardOutput.Split('\n');
    }

    /// <summary>What a power cut may leave: each segment file no longer than what was synced.</summary>
    private static void CutToDurableLengths(string partitionPath, Dictionary<long, long> durable)
    {
        if (!Directory.Exists(partitionPath)) return;
        foreach (string file in Directory.GetFiles(partitionPath, "*.log"))
        {
            long baseOffset = Long(Path.GetFileNameWithoutExtension(file));
            long keep = durable.GetValueOrDefault(baseOffset);
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            if (stream.Length > keep) stream.SetLength(keep);
        }
    }

    private static void Verify(string logDir, SortedDictionary<long, Reported> reported, string context,
        bool closeCleanly, Dictionary<long, long> durable)
    {
        LogDirectory directory = LogDirectory.Open(logDir);
        PartitionLog log =
            PartitionLog.Open(directory, Partition, LogOptions.Default with { SegmentBytes = 256 << 10 });
        try
        {
            foreach (Reported append in reported.Values)
            {
                using LogReadResult read = log.Read(append.FirstOffset, maxBytes: 1, minOneBatch: true);
                Assert.True(read.Status == ReadStatus.Ok && !read.IsEmpty,
                    $"{context}: offset {append.FirstOffset} is gone (log end {log.LogEndOffset})");
                byte[] batch = read.ToArray();
                Assert.Equal(RecordBatchValidation.Ok, RecordBatch.TryValidate(batch, out RecordBatchHeader header));
                Assert.True(header.BaseOffset == append.FirstOffset && header.LastOffset == append.LastOffset,
                    $"{context}: offsets {append.FirstOffset}-{append.LastOffset} came back as {header}");
                Assert.True(append.Crc == ValuesCrc(batch), $"{context}: payload of {append.FirstOffset} differs");
            }

            // Every segment is whole batches, and the last one ends the log.
            long nextOffset = log.LogStartOffset;
            foreach (string file in Directory.GetFiles(log.Path, "*.log").Order(StringComparer.Ordinal))
            {
                byte[] bytes = File.ReadAllBytes(file);
                var reader = new RecordBatchReader(bytes);
                while (reader.MoveNext())
                {
                    ReadOnlySpan<byte> batch = reader.Current;
                    Assert.Equal(RecordBatchValidation.Ok,
                        RecordBatch.TryValidate(batch, out RecordBatchHeader header));
                    Assert.True(header.BaseOffset >= nextOffset,
                        $"{context}: {file} goes back to {header.BaseOffset}");
                    nextOffset = header.NextOffset;
                }
                Assert.True(reader.Tail == RecordsTail.None && reader.Consumed == bytes.Length,
                    $"{context}: {file} ends in {bytes.Length - reader.Consumed} bytes that are not a batch");
            }
            Assert.Equal(nextOffset, log.LogEndOffset);
            if (reported.Count > 0) Assert.True(log.LogEndOffset > reported.Values.Last().LastOffset, context);
        }
        finally
        {
            if (closeCleanly)
            {
                log.Close();
                directory.MarkCleanShutdown();
            }
            else
            {
                log.Abandon();
            }
            // Recovery synced what it scanned and cut, and a clean close syncs everything: the files as they are
            // now survive a power cut.
            durable.Clear();
            foreach (string file in Directory.GetFiles(log.Path, "*.log"))
                durable[Long(Path.GetFileNameWithoutExtension(file))] = new FileInfo(file).Length;
        }
    }

    private static uint ValuesCrc(byte[] batch)
    {
        uint crc = 0;
        using RecordBatchContent content = RecordBatch.ReadRecords(batch, 1 << 24);
        foreach (Record record in content)
            crc = Crc32C.Append(crc, record.Value);
        return crc;
    }

    private sealed record Reported(long FirstOffset, long LastOffset, long SegmentBaseOffset, long EndPosition,
        uint Crc);
}
