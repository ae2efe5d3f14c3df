namespace Samsa.LoadGen;

/// <summary>What one workload measured in its window.</summary>
internal sealed record WorkloadResult
{
    public required string Name { get; init; }

    /// <summary>Messages acknowledged whose intended send time fell in the window.</summary>
    public long Messages { get; init; }

    public long Bytes { get; init; }

    public double Seconds { get; init; }

    public double MegabytesPerSecond => Seconds > 0 ? Bytes / 1e6 / Seconds : double.NaN;

    public double MessagesPerSecond => Seconds > 0 ? Messages / Seconds : double.NaN;

    /// <summary>From the intended send time to the acknowledgement (so a late send counts as latency).</summary>
    public Latency Publish { get; init; } = Latency.Empty;

    /// <summary>From the send to the consumer's receipt, in this process's clock.</summary>
    public Latency EndToEnd { get; init; } = Latency.Empty;

    /// <summary>How far the producers fell behind their schedule at worst, in milliseconds.</summary>
    public double MaxScheduleLagMs { get; init; }

    public long Errors { get; init; }

    /// <summary>The first error the producers saw, for the report.</summary>
    public string? FirstError { get; init; }

    /// <summary>The broker's CPU seconds in the window; NaN when no broker process was given.</summary>
    public double BrokerCpuSeconds { get; init; } = double.NaN;

    public double BrokerCpuPercent => Seconds > 0 ? BrokerCpuSeconds / Seconds * 100 : double.NaN;

    /// <summary>Megabytes moved per broker CPU-second.</summary>
    public double MegabytesPerCpuSecond => BrokerCpuSeconds > 0 ? Bytes / 1e6 / BrokerCpuSeconds : double.NaN;

    /// <summary>Messages moved per broker CPU-second.</summary>
    public double MessagesPerCpuSecond => BrokerCpuSeconds > 0 ? Messages / BrokerCpuSeconds : double.NaN;

    public double PeakRssMiB { get; init; } = double.NaN;

    /// <summary>The producers' average request size, from librdkafka's statistics (bytes sent / requests).</summary>
    public double AverageRequestBytes { get; init; } = double.NaN;

    /// <summary>How often the producers' librdkafka broker threads woke per request sent (statistics' wakeups / tx):
    /// the client's own overhead, which idempotence raises.</summary>
    public double ClientWakeupsPerRequest { get; init; } = double.NaN;

    /// <summary>The produce round trip the producers measured (librdkafka's rtt p50 over its last second), in
    /// ms.</summary>
    public double RoundTripP50Ms { get; init; } = double.NaN;

    /// <summary>For the idle row: the latency of the one message sent after the idle period.</summary>
    public double FirstMessageLatencyMs { get; init; } = double.NaN;

    /// <summary>For the idle row: bytes the broker read from disk between the message's send and its receipt (a
    /// page of the log the kernel had dropped while the broker idled); -1 when unknown.</summary>
    public long DiskReadBytes { get; init; } = -1;

    /// <summary>For the idle row: microseconds per 4 KiB page to touch memory the generator left alone for the idle
    /// window (see ColdMemory), and the same memory warm: the fastest of three touches right after.</summary>
    public double ColdPageMicroseconds { get; init; } = double.NaN;

    public double WarmPageMicroseconds { get; init; } = double.NaN;
}
