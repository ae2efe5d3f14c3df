using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Maintenance;

/// <summary>
/// Gives memory back to the operating system once a busy broker goes quiet: the pooled record buffers are dropped
/// and a compacting, decommitting collection runs, once per quiet spell.
/// </summary>
/// <remarks>
/// <para>Why: a broker that stops taking load stops allocating, so no collection ever runs again and everything the
/// load left behind stays resident: the record-buffer pool (up to about 64 MiB), the transport's pooled blocks (up to
/// 16 MiB a listener), and free GC regions, a few hundred MiB after heavy produce and fetch. Nothing on the hot path
/// changes.</para>
/// <para>How: a timer of the broker's clock samples <c>activity</c> (bytes allocated plus record-buffer bytes rented)
/// every <see cref="CheckInterval"/>. Once checks that each saw at least <see cref="QuietBytes"/> add up to
/// <see cref="LoadBytes"/> since the last trim, two checks in a row that each saw less run <c>trim</c>, on the timer's
/// pool thread; then nothing runs until that much load comes again, so an idle broker pays only the sample. A
/// long-polling consumer allocates a few KiB a second and never counts as load.</para>
/// </remarks>
internal sealed partial class IdleMemoryTrim : IAsyncDisposable
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>Activity per check below which the broker counts as quiet.</summary>
    public const long QuietBytes = 4L << 20;

    /// <summary>Activity since the last trim that makes another worth its collection.</summary>
    public const long LoadBytes = 64L << 20;

    private const int QuietChecksBeforeTrim = 2;

    private readonly Func<long> _activity;
    private readonly Action _trim;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private long _lastSample;
    private long _sinceTrim;
    private int _quietChecks;

    public IdleMemoryTrim(TimeProvider time, Func<long> activity, Action trim, ILogger logger)
    {
        _activity = activity;
        _trim = trim;
        _logger = logger;
        _lastSample = activity();
        _timer = time.CreateTimer(static state => ((IdleMemoryTrim)state!).Check(), this, CheckInterval, CheckInterval);
    }

    /// <summary>The broker's own: bytes this process allocated plus record-buffer bytes rented.</summary>
    public static long ProcessActivity() => GC.GetTotalAllocatedBytes() + Network.RecordBuffers.RentedBytes;

    /// <summary>The broker's own: drops the pooled record buffers and transport blocks, then collects, compacts and
    /// decommits.</summary>
    public static void TrimProcess()
    {
        Network.RecordBuffers.Trim();
        Network.TransportBlocks.TrimAll();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    // Runs on one pool thread at a time: the timer's period is far longer than a check.
    private void Check()
    {
        long sample = _activity();
        long delta = sample - _lastSample;
        _lastSample = sample;
        if (delta < QuietBytes)
        {
            _quietChecks++;
        }
        else
        {
            _sinceTrim += delta;   // only busy checks count: a trickle never adds up to load
            _quietChecks = 0;
        }
        if (_sinceTrim < LoadBytes || _quietChecks < QuietChecksBeforeTrim) return;
        try
        {
            long before = Environment.WorkingSet;
            _trim();
            Log.Trimmed(_logger, before >> 20, Environment.WorkingSet >> 20);
        }
        catch (Exception e)
        {
            // The timer's root: a failed trim costs memory, never the broker.
            Log.TrimFailed(_logger, e);
        }
        _sinceTrim = 0;
        _lastSample = _activity();   // the collection's own allocations are not load
    }

    public ValueTask DisposeAsync() => _timer.DisposeAsync();

    private static partial class Log
    {
        [LoggerMessage(4220, LogLevel.Debug,
            "Quiet after load: trimmed memory from {BeforeMiB} MiB to {AfterMiB} MiB resident")]
        public static partial void Trimmed(ILogger logger, long beforeMiB, long afterMiB);

        [LoggerMessage(4221, LogLevel.Warning, "Trimming memory after load failed")]
        public static partial void TrimFailed(ILogger logger, Exception exception);
    }
}
