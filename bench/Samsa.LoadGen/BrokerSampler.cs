using System.Globalization;

namespace Samsa.LoadGen;

// The broker's CPU seconds and resident memory, read from /proc of its process (Linux). A sampler thread reads RSS
// every 200 ms to catch the peak of a window; CPU seconds are read at the window's edges.
internal sealed class BrokerSampler : IDisposable
{
    private static readonly double TicksPerSecond = ClockTicks();
    private readonly int _pid;
    private readonly Timer? _timer;
    private long _peakRssBytes;

    public BrokerSampler(int? pid)
    {
        _pid = pid ?? 0;
        if (pid is not null && File.Exists($"/proc/{_pid}/stat"))
            _timer = new Timer(_ => SampleRss(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
    }

    public bool IsActive => _timer is not null;

    /// <summary>User plus system CPU seconds the broker has used so far; NaN without a broker process.</summary>
    public double CpuSeconds()
    {
        if (!IsActive) return double.NaN;
        try
        {
            string stat = File.ReadAllText($"/proc/{_pid}/stat");
            // Fields after the parenthesised command: state is field 3, utime 14 and stime 15.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long user = long.Parse(fields[11], CultureInfo.InvariantCulture);
            long system = long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (user + system) / TicksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    public long RssBytes() => ReadField("status", "VmRSS:", 1024);

    /// <summary>Bytes the broker has caused to be read from disk so far (page-cache misses); -1 when unknown.</summary>
    public long DiskReadBytes() => ReadField("io", "read_bytes:", 1);

    /// <summary>The highest RSS seen since the last call, and starts a new window.</summary>
    public long TakePeakRssBytes()
    {
        SampleRss();
        return Interlocked.Exchange(ref _peakRssBytes, 0);
    }

    private void SampleRss()
    {
        long rss = RssBytes();
        long peak;
        do
        {
            peak = Volatile.Read(ref _peakRssBytes);
            if (rss <= peak) return;
        }
        while (Interlocked.CompareExchange(ref _peakRssBytes, rss, peak) != peak);
    }

    // A "key: value [unit]" line of /proc/<pid>/<file>, times unit; -1 when the file or the line is missing.
    private long ReadField(string file, string key, long unit)
    {
        if (_pid == 0) return -1;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{_pid}/{file}"))
            {
                if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
                string value = line[key.Length..].Trim().Split(' ')[0];
                return long.Parse(value, CultureInfo.InvariantCulture) * unit;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return -1;
    }

    // USER_HZ is 100 on every Linux this runs on; getconf confirms it where available.
    private static double ClockTicks()
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true };
            using var getconf = System.Diagnostics.Process.Start(start);
            string? text = getconf?.StandardOutput.ReadToEnd().Trim();
            getconf?.WaitForExit();
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double hz) && hz > 0
                ? hz
                : 100;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 100;
        }
    }

    public void Dispose() => _timer?.Dispose();
}
