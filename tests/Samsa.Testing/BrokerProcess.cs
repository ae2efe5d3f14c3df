using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Samsa.Testing;

/// <summary>
/// A Samsa node as a child process (<c>dotnet samsa.dll broker</c>) with <see cref="NodeSettings.Defaults"/>, its
/// data in a temporary folder, so its CPU time and memory can be read from /proc apart from the test's own, and it
/// can be killed as a crash would. Dispose kills it by PID and removes the folder.
/// </summary>
public sealed partial class BrokerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _dataDir;
    private readonly bool _ownsDataDir;

    private BrokerProcess(ChildProcess process, string dataDir, bool ownsDataDir, string bootstrapServers)
    {
        _process = process;
        _dataDir = dataDir;
        _ownsDataDir = ownsDataDir;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The broker's log.dirs.</summary>
    public string DataDir => _dataDir;

    public string BootstrapServers { get; }

    public int Pid => _process.Pid;

    public static Task<BrokerProcess> StartAsync(params string[] extraFlags) =>
        StartInAsync(Directory.CreateTempSubdirectory("samsa-it-proc-").FullName, ownsDataDir: true, extraFlags);

    /// <summary>
    /// Starts a broker on <paramref name="dataDir"/> (a restart after <see cref="KillAsync"/> passes the dead
    /// broker's); dispose removes the folder only when <paramref name="ownsDataDir"/>.
    /// </summary>
    public static async Task<BrokerProcess> StartInAsync(string dataDir, bool ownsDataDir, params string[] extraFlags)
    {
        string[] arguments =
        [
            RepoPaths.SamsaDll(), "broker",
            .. NodeSettings.Defaults(nodeId: 1, dataDir).Select(kv => $"--{kv.Key}={kv.Value}"), .. extraFlags,
        ];
        ChildProcess process = ChildProcess.Start(RepoPaths.DotnetHost(), arguments, dataDir,
            new Dictionary<string, string> { ["SAMSA_LOG_LEVEL"] = "Information" });
        try
        {
            string started = await process.WaitForLineAsync(line => StartedLine().IsMatch(line),
                TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return new BrokerProcess(process, dataDir, ownsDataDir,
                StartedLine().Match(started).Groups["bootstrap"].Value);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            if (ownsDataDir) TempDirectory.DeleteQuietly(dataDir);
            throw;
        }
    }

    /// <summary>
    /// Kills the broker with SIGKILL, by PID, and returns once it has exited, so nothing of it holds its data
    /// folder or ports any more; the data stays as the crash left it.
    /// </summary>
    public Task KillAsync()
    {
        _process.Kill();
        return _process.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>User plus system CPU time the broker has used so far (/proc/PID/stat, utime + stime).</summary>
    public TimeSpan ReadCpuTime()
    {
        string stat = File.ReadAllText($"/proc/{Pid}/stat");
        // Fields after the command name, which is in parentheses and may itself hold spaces: state is field 3,
        // utime field 14 and stime field 15, so they sit at indexes 11 and 12 after the closing parenthesis.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        return TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);
    }

    /// <summary>The broker's resident set size now and its peak (/proc/PID/status VmRSS and VmHWM), in bytes.</summary>
    public (long Rss, long PeakRss) ReadMemory()
    {
        long rss = 0, peak = 0;
        foreach (string line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line) * 1024;
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line) * 1024;
        }
        return (rss, peak);

        static long Kilobytes(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    /// <summary>Throws with the broker's output if it has died.</summary>
    public void AssertRunning()
    {
        if (_process.HasExited)
            throw new InvalidOperationException($"the broker exited with {_process.ExitCode}\n{_process.Describe()}");
    }

    public string Describe() => _process.Describe();

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        if (_ownsDataDir) TempDirectory.DeleteQuietly(_dataDir);
    }

    private static long ClockTicksPerSecond
    {
        get
        {
            const int ScClkTck = 2;   // _SC_CLK_TCK in glibc and musl
            nint ticks = Sysconf(ScClkTck);
            return ticks > 0 ? ticks : 100;
        }
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial nint Sysconf(int name);

    [GeneratedRegex(@"serving Kafka clients at (?<bootstrap>\S+)")]
    private static partial Regex StartedLine();
}
