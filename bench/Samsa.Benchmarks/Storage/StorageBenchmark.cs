using System.Globalization;
using System.Runtime.InteropServices;
using Samsa.Protocol.Records;
using Samsa.Storage;
using Samsa.Storage.IO;

namespace Samsa.Benchmarks.Storage;

// Why a Stopwatch harness and not BenchmarkDotNet: each case writes hundreds of MiB to a real disk, and what it costs
// depends on state BenchmarkDotNet would hide (page cache, dirty pages, file sizes). The figure that matters is the
// ratio to the plain operation on the same bytes and the same disk, measured alternately in the same run, so the
// machine's noise (other processes, the VM's neighbours) moves both alike; medians of several runs each.
internal static class StorageBenchmark
{
    private const int KiB = 1 << 10;
    private const int MiB = 1 << 20;
    private static readonly TopicPartition Partition = new("bench", 0);

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        int dirIndex = Array.IndexOf(args, "--dir");
        string root = Path.Combine(dirIndex >= 0 ? args[dirIndex + 1] : Path.GetTempPath(),
            "samsa-bench-" + Guid.NewGuid().ToString("N")[..8]);
        long totalBytes = quick ? 64 * MiB : 256 * MiB;
        int repeats = quick ? 3 : 5;
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd}, {Cpu()}, {Environment.ProcessorCount} cores, " +
                $".NET {Environment.Version}, {RuntimeInformation.OSDescription}");
            Console.WriteLine($"files under {root}; {totalBytes / MiB} MiB per throughput run, median of {repeats}");
            Console.WriteLine();
            var rows = new List<Row>();
            foreach (int batchBytes in new[] { 16 * KiB, MiB })
            {
                byte[] batch = BuildBatch(batchBytes);
                int count = (int)(totalBytes / batch.Length);
                rows.Add(Append(root, LogFlushMode.Replicated, batch, count, repeats, 0));
                rows.Add(Append(root, LogFlushMode.Fsync, batch, count, repeats, 16 * MiB));
            }
            // Fewer appends waiting: each sync covers less, so the disk's sync latency shows.
            byte[] small = BuildBatch(16 * KiB);
            rows.Add(Append(root, LogFlushMode.Fsync, small, (int)(totalBytes / small.Length), repeats, MiB));
            rows.Add(Read(root, BuildBatch(16 * KiB), totalBytes, repeats));
            rows.AddRange(Startup(root, partitions: 1000, repeats));

            Console.WriteLine("| case | Samsa | baseline (same run, same disk) | ratio | target |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (Row row in rows)
                Console.WriteLine($"| {row.Case} | {row.Subject} | {row.Baseline} | {row.Ratio} | {row.Target} |");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private sealed record Row(string Case, string Subject, string Baseline, string Ratio, string Target);

    /// <summary>Appends against a plain write of the same batches: pwrite each, and fdatasync every 16 MiB for
    /// fsync.</summary>
    private static Row Append(string root, LogFlushMode mode, byte[] batch, int count, int repeats,
        int inFlightBytes)
    {
        bool fsync = mode == LogFlushMode.Fsync;
        long bytes = (long)batch.Length * count;
        long syncs = 0;
        (TimeSpan samsa, TimeSpan plain) = Measure.Pair(repeats, Samsa, Plain);
        double samsaRate = bytes / samsa.TotalSeconds / MiB;
        double plainRate = bytes / plain.TotalSeconds / MiB;
        string size = batch.Length >= MiB ? "1 MiB" : "16 KiB";
        return new Row(
            $"append, {size} batches, `log.flush.mode={(fsync ? "fsync" : "replicated")}`" +
                (fsync ? $" ({inFlightBytes / MiB} MiB of appends in flight; {syncs} fdatasyncs per run)" : ""),
            $"{samsaRate:F0} MiB/s",
            fsync ? $"{plainRate:F0} MiB/s (pwrite + fdatasync every 16 MiB)" : $"{plainRate:F0} MiB/s (pwrite)",
            $"**{samsaRate / plainRate:F2}**",
            fsync ? ">= 0.5" : ">= 0.8");

        TimeSpan Samsa()
        {
            string dir = Fresh(root);
            LogDirectory directory = LogDirectory.Open(dir);
            PartitionLog log = PartitionLog.Open(directory, Partition,
                LogOptions.Default with { FlushMode = mode, SegmentBytes = 1 << 30 });
            byte[] buffer = (byte[])batch.Clone();
            TimeSpan elapsed = fsync
                ? AppendPipelinedAsync(log, buffer, count, inFlightBytes).GetAwaiter().GetResult()
                : Measure.Time(() =>
                {
                    for (int i = 0; i < count; i++)
                        AppendNow(log, buffer);
                });
            syncs = log.SyncCount;
            log.Close();
            Directory.Delete(dir, recursive: true);
            return elapsed;
        }

        TimeSpan Plain() => PlainWrite(root, batch, count, fsync);
    }

    /// <summary>The baseline of <see cref="Append"/>: pwrite each batch to a new file, with an fdatasync every
    /// 16 MiB when <paramref name="fsync"/>.</summary>
    private static TimeSpan PlainWrite(string root, byte[] batch, int count, bool fsync)
    {
        string dir = Fresh(root);
        string path = Path.Combine(dir, "plain.log");
        TimeSpan elapsed;
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            elapsed = Measure.Time(() =>
            {
                long position = 0;
                long synced = 0;
                for (int i = 0; i < count; i++)
                {
                    RandomAccess.Write(handle, batch, position);
                    position += batch.Length;
                    if (fsync && position - synced >= 16 * MiB)
                    {
                        FileSync.DataSync(handle, path);
                        synced = position;
                    }
                }
                if (fsync && synced < position) FileSync.DataSync(handle, path);
            });
        }
        Directory.Delete(dir, recursive: true);
        return elapsed;
    }

    /// <summary>
    /// fsync mode as a busy broker drives it: appends keep arriving while earlier ones wait for their sync (many
    /// producers, pipelined requests), up to <paramref name="inFlightBytes"/> of them (16 MiB: the plain baseline's
    /// sync interval).
    /// </summary>
    private static async Task<TimeSpan> AppendPipelinedAsync(PartitionLog log, byte[] buffer, int count,
        int inFlightBytes)
    {
        int window = Math.Max(1, inFlightBytes / buffer.Length);
        var pending = new Queue<ValueTask<AppendResult>>(window);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            if (pending.Count == window) Check(await pending.Dequeue());
            // Each queued ValueTask is awaited exactly once, in order, as the broker's pipelined requests are.
#pragma warning disable CA2012
            pending.Enqueue(log.AppendAsync(buffer, 0));
#pragma warning restore CA2012
        }
        while (pending.Count > 0)
            Check(await pending.Dequeue());
        return stopwatch.Elapsed;

        static void Check(AppendResult result)
        {
            if (result.Status != AppendStatus.Ok) throw new InvalidOperationException($"append: {result.Status}");
        }
    }

    /// <summary>Fetch-sized reads (1 MiB, whole batches) through the log against plain 1 MiB reads of its
    /// file.</summary>
    private static Row Read(string root, byte[] batch, long totalBytes, int repeats)
    {
        string dir = Fresh(root);
        LogDirectory directory = LogDirectory.Open(dir);
        PartitionLog log = PartitionLog.Open(directory, Partition, LogOptions.Default with { SegmentBytes = 1 << 30 });
        for (long written = 0; written < totalBytes; written += batch.Length)
            AppendNow(log, batch);
        string file = Directory.GetFiles(log.Path, "*.log").Single();
        byte[] buffer = new byte[MiB];
        long bytes = new FileInfo(file).Length;
        try
        {
            (TimeSpan samsa, TimeSpan plain) = Measure.Pair(repeats, Samsa, Plain);
            double samsaRate = bytes / samsa.TotalSeconds / MiB;
            double plainRate = bytes / plain.TotalSeconds / MiB;
            return new Row("read, 1 MiB fetches of 16 KiB batches (page cache)", $"{samsaRate:F0} MiB/s",
                $"{plainRate:F0} MiB/s (pread 1 MiB)", $"**{samsaRate / plainRate:F2}**", "");
        }
        finally
        {
            log.Close();
            Directory.Delete(dir, recursive: true);
        }

        TimeSpan Samsa() => Measure.Time(() =>
        {
            long offset = log.LogStartOffset;
            while (offset < log.LogEndOffset)
            {
                using LogReadResult read = log.Read(offset, MiB);
                read.CopyTo(buffer);
                var reader = new RecordBatchReader(buffer.AsSpan(0, read.Length));
                while (reader.MoveNext())
                    offset = RecordBatchHeader.Read(reader.Current).NextOffset;
            }
        });

        TimeSpan Plain() => Measure.Time(() =>
        {
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            long position = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer, position)) > 0)
                position += read;
        });
    }

    /// <summary>
    /// Opening 1,000 partitions of three segments each: after a clean shutdown (indexes trusted), after a crash (the
    /// active segments scanned), and after a crash with no recovery-point checkpoint (every segment scanned), against
    /// opening every one of their files.
    /// </summary>
    private static IEnumerable<Row> Startup(string root, int partitions, int repeats)
    {
        string dir = Fresh(root);
        var options = new LogManagerOptions
        {
            LogDirs = [dir],
            ClusterId = "bench",
            NodeId = 1,
            DefaultLogOptions = LogOptions.Default with { SegmentBytes = 32 * KiB },
        };
        FillPartitions(options, partitions);
        int files = Directory.GetDirectories(dir).Sum(d => Directory.GetFiles(d).Length);
        long bytes = Directory.GetDirectories(dir)
            .Sum(d => Directory.GetFiles(d, "*.log").Sum(f => new FileInfo(f).Length));
        try
        {
            (TimeSpan clean, TimeSpan baseline) = Measure.Pair(repeats, () => TimeOpen(options),
                () => TimeOpenEveryFile(dir));
            (TimeSpan crash, _) = Measure.Pair(repeats, () => TimeOpenAfterCrash(options, dir, deleteCheckpoint: false),
                () => TimeSpan.Zero);
            (TimeSpan scan, _) = Measure.Pair(repeats, () => TimeOpenAfterCrash(options, dir, deleteCheckpoint: true),
                () => TimeSpan.Zero);
            string what = $"{partitions:N0} partitions ({files:N0} files, {bytes / MiB} MiB)";
            string open = $"{baseline.TotalMilliseconds:F0} ms (open every file)";
            yield return new Row($"start-up after a clean shutdown, {what}", $"{clean.TotalMilliseconds:F0} ms", open,
                $"{clean / baseline:F1} × the baseline's time", "< 1 s");
            yield return new Row($"start-up after a crash (active segments scanned), {what}",
                $"{crash.TotalMilliseconds:F0} ms", open, $"{crash / baseline:F1} × the baseline's time", "");
            yield return new Row($"start-up after a crash without a recovery-point checkpoint (all scanned), {what}",
                $"{scan.TotalMilliseconds:F0} ms", open, $"{scan / baseline:F1} × the baseline's time", "");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Creates <paramref name="partitions"/> logs of 24 batches of 4 KiB each (three segments), closed
    /// cleanly.</summary>
    private static void FillPartitions(LogManagerOptions options, int partitions)
    {
        byte[] batch = BuildBatch(4 * KiB);
        using LogManager manager = LogManager.Open(options);
        for (int p = 0; p < partitions; p++)
        {
            manager.GetOrCreateLog(new TopicPartition("bench", p), options.DefaultLogOptions, out PartitionLog? log);
            for (int i = 0; i < 24; i++)
                AppendNow(log!, batch);
        }
    }

    private static TimeSpan TimeOpen(LogManagerOptions options)
    {
        LogManager? manager = null;
        TimeSpan elapsed = Measure.Time(() => manager = LogManager.Open(options));
        manager!.Close();
        return elapsed;
    }

    private static TimeSpan TimeOpenAfterCrash(LogManagerOptions options, string dir, bool deleteCheckpoint)
    {
        // As a killed process leaves it: no clean-shutdown marker, the checkpoints of the last flush.
        LogManager crashed = LogManager.Open(options);
        foreach (PartitionLog log in crashed.Logs)
            log.Abandon();
        if (deleteCheckpoint) File.Delete(Path.Combine(dir, "recovery-point-offset-checkpoint"));
        return TimeOpen(options);
    }

    /// <summary>The start-up baseline: open every file of every partition (two at a time) and read its
    /// length.</summary>
    private static TimeSpan TimeOpenEveryFile(string dir) => Measure.Time(() =>
        Parallel.ForEach(Directory.GetDirectories(dir), new ParallelOptions { MaxDegreeOfParallelism = 2 },
            partition =>
            {
                foreach (string file in Directory.GetFiles(partition))
                {
                    using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite,
                        FileShare.ReadWrite | FileShare.Delete);
                    _ = RandomAccess.GetLength(handle);
                }
            }));

    /// <summary>A replicated-mode append, which completes before it returns.</summary>
    private static void AppendNow(PartitionLog log, byte[] batch)
    {
        ValueTask<AppendResult> append = log.AppendAsync(batch, 0);
        if (!append.IsCompletedSuccessfully || append.Result.Status != AppendStatus.Ok)
            throw new InvalidOperationException("a replicated-mode append did not complete at once");
    }

    /// <summary>A batch of about <paramref name="bytes"/>: 1,000-byte random values, uncompressed.</summary>
    private static byte[] BuildBatch(int bytes)
    {
        var random = new Random(42);
        var builder = new RecordBatchBuilder();
        for (int i = 0; i < Math.Max(1, (bytes - 61) / 1010); i++)
        {
            byte[] value = new byte[1000];
            random.NextBytes(value);
            builder.Add(BitConverter.GetBytes(i), value, 1_700_000_000_000 + i);
        }
        return builder.Build();
    }

    private static string Fresh(string root)
    {
        string dir = Path.Combine(root, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Cpu()
    {
        try
        {
            string? model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name",
                StringComparison.Ordinal));
            return model?[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
