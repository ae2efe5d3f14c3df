using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Samsa.LoadGen;

// What the machine allows, measured in the same run as the broker: loopback TCP with iperf3, and sequential writes with
// fio on the disk that holds the broker's logs. Buffered writes are measured twice: a 1 GiB burst with a final fsync,
// and sustained for 20 s after 5 s of the same, since a produce row writes many gigabytes and, once the page cache
// holds its share of dirty pages, buffered writes go at the rate the kernel can copy into new cache pages while it
// writes back older ones (on the 2-core VM these figures come from, 460 MB/s against 1.1-1.3 GB/s for the burst).
// Synced writes append request-sized blocks to a new file, each followed by an fdatasync, as a log does; a loop over a
// small file would rewrite pages already cached and overstate the disk by 40%. They too are measured for 20 s after 5 s
// unmeasured, the shape of the row they are compared with: on that VM synced writes run at 510-565 MB/s for their
// first 10-15 s and then at 250-280 MB/s, so a 15 s run from a cold start rated the disk at 1.4 times what it sustains
// over a row's window. A tool that is missing leaves its figure NaN and the rows that depend on it without a ratio.
internal static class MachineLimits
{
    /// <summary>Loopback TCP throughput in MB/s, one stream for 5 s.</summary>
    public static double LoopbackMegabytesPerSecond(TextWriter log)
    {
        int port = FreePort();
        using Process? server = Start("iperf3", $"-s -1 -p {port}");
        if (server is null) return Missing(log, "iperf3");
        try
        {
            Thread.Sleep(500);
            string? json = Run("iperf3", $"-c 127.0.0.1 -p {port} -t 5 -J", TimeSpan.FromSeconds(30));
            if (json is null) return double.NaN;
            using JsonDocument doc = JsonDocument.Parse(json);
            double bits = doc.RootElement.GetProperty("end").GetProperty("sum_received")
                .GetProperty("bits_per_second").GetDouble();
            return bits / 8 / 1e6;
        }
        finally
        {
            if (!server.HasExited) server.Kill();
        }
    }

    /// <summary>Sequential buffered writes of 1 MiB blocks, 1 GiB with an fsync at the end, in MB/s.</summary>
    public static double BurstWriteMegabytesPerSecond(string directory, TextWriter log) =>
        Fio(directory, log, "--name=burst --rw=write --bs=1M --size=1G --ioengine=psync --end_fsync=1");

    /// <summary>Sequential buffered writes of 1 MiB blocks to a new file for 20 s after 5 s unmeasured, in
    /// MB/s.</summary>
    public static double SustainedWriteMegabytesPerSecond(string directory, TextWriter log) =>
        Fio(directory, log, $"--name=sustained --rw=write --bs=1M --size={FileBytes(directory)} --ioengine=psync " +
            "--ramp_time=5 --runtime=20 --time_based");

    /// <summary>Sequential writes of <paramref name="blockBytes"/> appended to a new file, each followed by fdatasync,
    /// for 20 s after 5 s unmeasured, in MB/s.</summary>
    public static double SyncedWriteMegabytesPerSecond(string directory, int blockBytes, TextWriter log) =>
        Fio(directory, log, $"--name=synced --rw=write --bs={blockBytes} --size={FileBytes(directory)} " +
            "--ioengine=psync --fdatasync=1 --ramp_time=5 --runtime=20 --time_based");

    // Large enough that a timed run never wraps around to rewrite its own cached pages (25 s at 1.3 GB/s is 32 GB),
    // within half the disk's free space.
    private static long FileBytes(string directory)
    {
        long free = new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        return Math.Clamp(free / 2 / (1 << 20) * (1 << 20), 1L << 30, 32L << 30);
    }

    private static double Fio(string directory, TextWriter log, string job)
    {
        string dir = Path.Combine(directory, "fio-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string? json = Run("fio", $"{job} --directory={dir} --output-format=json", TimeSpan.FromMinutes(3));
            if (json is null) return Missing(log, "fio");
            using JsonDocument doc = JsonDocument.Parse(json[json.IndexOf('{', StringComparison.Ordinal)..]);
            double bytesPerSecond = doc.RootElement.GetProperty("jobs")[0].GetProperty("write")
                .GetProperty("bw_bytes").GetDouble();
            return bytesPerSecond / 1e6;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Missing(TextWriter log, string tool)
    {
        log.WriteLine($"  ({tool} is not installed: its figure and the ratios on it are left out; " +
            "bench/run.sh installs it)");
        return double.NaN;
    }

    private static Process? Start(string file, string arguments)
    {
        try
        {
            return Process.Start(new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string? Run(string file, string arguments, TimeSpan timeout)
    {
        using Process? process = Start(file, arguments);
        if (process is null) return null;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return null;
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed: {error.Result.Trim()}");
        return output.Result;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Format(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString("0", CultureInfo.InvariantCulture);
}
