using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Samsa.Storage.Tests.Support;

namespace Samsa.Storage.Tests;

public sealed class DiskFullTests
{
    [Fact]
    public void A_failing_device_raises_the_directory_offline_event_from_the_append()
    {
        var faults = new FaultInjector();
        using var test = new TestLog(faults: faults);
        Assert.Equal(AppendStatus.Ok, test.Append(Batches.Create(2, test.NowMs)).Status);
        LogDirectoryOfflineEventArgs? seen = null;
        test.Directory.WentOffline += (_, args) => seen = args;
        faults.DeviceFailed = true;

        Assert.Equal(AppendStatus.StorageError, test.Append(Batches.Create(2, test.NowMs)).Status);

        Assert.NotNull(seen);
        Assert.Same(test.Directory, seen.Directory);
        Assert.Contains("events-0", seen.Operation);
        Assert.IsType<IOException>(seen.Exception);
    }

    [Fact]
    public void A_full_disk_fails_the_append_cuts_its_partial_bytes_and_keeps_the_log_readable()
    {
        var faults = new FaultInjector { PathFilter = ".log" };
        using var test = new TestLog(faults: faults);
        for (int i = 0; i < 5; i++)
            test.Append(Batches.Create(2, test.NowMs, valueBytes: 100));
        List<byte[]> before = test.ReadAll();
        long length = new FileInfo(test.SegmentFile(0, ".log")).Length;
        faults.Budget = 50;

        AppendResult failed = test.Append(Batches.Create(2, test.NowMs, valueBytes: 100));

        Assert.Equal(AppendStatus.DiskFull, failed.Status);
        Assert.False(test.Log.IsOffline);
        Assert.Equal(length, new FileInfo(test.SegmentFile(0, ".log")).Length);
        Assert.Equal(10, test.Log.LogEndOffset);
        Assert.Equal(before, test.ReadAll());
        Assert.True(test.Logger.Has(LogLevel.Warning, 2006));

        faults.Budget = long.MaxValue;
        Assert.Equal(10, test.Append(Batches.Create(1, test.NowMs)).FirstOffset);
        test.ReopenAfterCrash();
        Assert.Equal(11, test.Log.LogEndOffset);
    }

    [Fact]
    public void A_full_disk_while_rolling_fails_the_append_and_keeps_the_active_segment()
    {
        var faults = new FaultInjector();
        using var test = new TestLog(LogOptions.Default with { SegmentBytes = 400, IndexIntervalBytes = 0 }, faults);
        for (int i = 0; i < 3; i++)
            test.Append(Batches.Create(1, test.NowMs, valueBytes: 100));
        long[] segments = test.Log.SegmentBaseOffsets();
        faults.Budget = 0;

        AppendStatus status = test.Append(Batches.Create(1, test.NowMs, valueBytes: 200)).Status;

        Assert.Equal(AppendStatus.DiskFull, status);
        Assert.Equal(segments, test.Log.SegmentBaseOffsets());
        faults.Budget = long.MaxValue;
        Assert.Equal(AppendStatus.Ok, test.Append(Batches.Create(1, test.NowMs, valueBytes: 200)).Status);
        Assert.Equal(4, test.ReadAll().Count);
    }

    [Fact]
    public void A_failing_device_takes_the_directory_offline_and_its_partitions_report_storage_errors()
    {
        var faults = new FaultInjector();
        using var test = new TestLog(faults: faults);
        test.Append(Batches.Create(2, test.NowMs));
        faults.DeviceFailed = true;

        AppendResult failed = test.Append(Batches.Create(2, test.NowMs));

        Assert.Equal(AppendStatus.StorageError, failed.Status);
        Assert.True(test.Directory.IsOffline);
        Assert.True(test.Log.IsOffline);
        using LogReadResult read = test.Log.Read(0, 100);
        Assert.Equal(ReadStatus.StorageError, read.Status);
        Assert.Equal(LogStatus.StorageError, test.Log.TruncateTo(0));
        Assert.Equal(LogStatus.StorageError, test.Log.DeleteRecordsBefore(1));
        Assert.Equal(AppendStatus.StorageError, test.Append(Batches.Create(1, test.NowMs)).Status);
        Assert.Single(test.Logger.Entries, e => e.Id.Id == 2004 && e.Level == LogLevel.Error);
    }

    [Fact]
    public void A_failed_sync_in_fsync_mode_fails_the_waiting_appends_and_takes_the_directory_offline()
    {
        var faults = new FaultInjector();
        using var test = new TestLog(LogOptions.Default with { FlushMode = LogFlushMode.Fsync }, faults);
        Assert.Equal(AppendStatus.Ok, test.Append(Batches.Create(1, test.NowMs)).Status);
        faults.SyncFails = true;

        AppendResult failed = test.Append(Batches.Create(1, test.NowMs));

        Assert.Equal(AppendStatus.StorageError, failed.Status);
        Assert.True(test.Directory.IsOffline);
        Assert.Equal(1, test.Log.LogEndOffset);
    }

    // A real file system that fills up: a 1 MiB tmpfs. Needs root (or CAP_SYS_ADMIN) to mount.
    [Fact]
    public async Task A_real_full_file_system_fails_appends_and_keeps_what_was_written()
    {
        using var root = new TempDirectory();
        string mount = root.Combine("tmpfs");
        Directory.CreateDirectory(mount);
        if (!OperatingSystem.IsLinux() || !Run("mount", $"-t tmpfs -o size=1m samsa-test {mount}"))
            Assert.Skip("mounting a small tmpfs needs Linux and root; the injected-fault tests cover the logic");
        try
        {
            var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(55));
            var logger = new ListLogger();
            LogDirectory directory = LogDirectory.Open(mount, logger);
            PartitionLog log = PartitionLog.Open(directory, new TopicPartition("full", 0), LogOptions.Default,
                time, logger);
            var written = new List<byte[]>();
            AppendStatus status = AppendStatus.Ok;
            for (int i = 0; i < 1000 && status == AppendStatus.Ok; i++)
            {
                byte[] batch = Batches.Create(4, i, valueBytes: 1000, fill: (byte)i);
                status = (await log.AppendAsync(batch, 0)).Status;
                if (status == AppendStatus.Ok) written.Add(batch);
            }

            Assert.Equal(AppendStatus.DiskFull, status);
            Assert.False(log.IsOffline);
            Assert.InRange(written.Count, 100, 260);
            using (LogReadResult read = log.Read(0, int.MaxValue))
                Assert.Equal(written.SelectMany(b => b).ToArray(), read.ToArray());
            log.Close();
            directory.MarkCleanShutdown();
        }
        finally
        {
            Run("umount", mount);
        }
    }

    private static bool Run(string command, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            });
            if (process is null) return false;
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
