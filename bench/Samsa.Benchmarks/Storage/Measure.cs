using System.Diagnostics;

namespace Samsa.Benchmarks.Storage;

/// <summary>A subject and its baseline, run alternately in the same process on the same disk.</summary>
internal static class Measure
{
    /// <summary>
    /// Runs <paramref name="baseline"/> and <paramref name="subject"/> in turn <paramref name="repeats"/> times, after
    /// one untimed warm-up of each, and returns the median time of each (noisy neighbours shift both alike).
    /// </summary>
    public static (TimeSpan Subject, TimeSpan Baseline) Pair(int repeats, Func<TimeSpan> subject,
        Func<TimeSpan> baseline)
    {
        baseline();
        subject();
        var subjects = new List<TimeSpan>();
        var baselines = new List<TimeSpan>();
        for (int i = 0; i < repeats; i++)
        {
            baselines.Add(baseline());
            subjects.Add(subject());
        }
        return (Median(subjects), Median(baselines));
    }

    public static TimeSpan Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed;
    }

    private static TimeSpan Median(List<TimeSpan> times)
    {
        times.Sort();
        return times[times.Count / 2];
    }
}
