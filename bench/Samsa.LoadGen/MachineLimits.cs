using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Samsa.LoadGen;

// What the machine allows, measured in the same run as the broker: loopback TCP with iperf3, and sequential writes with
// fio on the disk that holds the broker's logs, buffered (with a final fsync, so the page cache cannot pass for the
// disk) and with an fdatasync after every write of the average produce request size. A tool that is missing leaves
// its figure NaN and the rows that depend on it without a ratio.
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
            double bits = doc.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
            return bits / 8 / 1e6;
        }
        finally
        {
            if (!server.HasExited) server.Kill();
        }
    }

    /// <summary>Sequential buffered writes of 1 MiB blocks, 1 GiB with an fsync at the end, in MB/s.</summary>
    public static double BufferedWriteMegabytesPerSecond(string directory, TextWriter log) =>
        Fio(directory, log, "--name=buffered --rw=write --bs=1M --size=1G --ioengine=psync --end_fsync=1");

    /// <summary>Sequential writes of <paramref name="blockBytes"/>, each followed by fdatasync, for 15 s, in MB/s.</summary>
    public static double SyncedWriteMegabytesPerSecond(string directory, int blockBytes, TextWriter log) =>
        Fio(directory, log, $"--name=synced --rw=write --bs={blockBytes} --size=1G --ioengine=psync --fdatasync=1 " +
            "--runtime=15 --time_based");

    private static double Fio(string directory, TextWriter log, string job)
    {
        string dir = Path.Combine(directory, "fio-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string? json = Run("fio", $"{job} --directory={dir} --output-format=json", TimeSpan.FromMinutes(3));
            if (json is null) return Missing(log, "fio");
            using JsonDocument doc = JsonDocument.Parse(json[json.IndexOf('{', StringComparison.Ordinal)..]);
            double bytesPerSecond = doc.RootElement.GetProperty("jobs")[0].GetProperty("write").GetProperty("bw_bytes").GetDouble();
            return bytesPerSecond / 1e6;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Missing(TextWriter log, string tool)
    {
        log.WriteLine($"  ({tool} is not installed: its figure and the ratios on it are left out; bench/run.sh installs it)");
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

    public static string Format(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0", CultureInfo.InvariantCulture);
}
