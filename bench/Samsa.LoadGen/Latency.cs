using HdrHistogram;

namespace Samsa.LoadGen;

/// <summary>Percentiles of one latency histogram, in milliseconds.</summary>
internal sealed record Latency(long Count, double P50, double P99, double P999, double Max)
{
    public static Latency Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>A histogram of microseconds, from 1 µs to 10 minutes, 3 significant digits.</summary>
    public static LongHistogram NewHistogram() => new(1, 600_000_000, 3);

    public static Latency Of(IEnumerable<LongHistogram> parts)
    {
        LongHistogram total = NewHistogram();
        foreach (LongHistogram part in parts) total.Add(part);
        if (total.TotalCount == 0) return Empty;
        return new Latency(total.TotalCount, Ms(total.GetValueAtPercentile(50)), Ms(total.GetValueAtPercentile(99)),
            Ms(total.GetValueAtPercentile(99.9)), Ms(total.GetMaxValue()));
    }

    /// <summary>Records <paramref name="microseconds"/>, clamped into the histogram's range.</summary>
    public static void Record(LongHistogram histogram, double microseconds) =>
        histogram.RecordValue(Math.Clamp((long)microseconds, 1, histogram.HighestTrackableValue));

    private static double Ms(long microseconds) => microseconds / 1000.0;
}
