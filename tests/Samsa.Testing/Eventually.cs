using System.Diagnostics;
using Xunit;

namespace Samsa.Testing;

/// <summary>
/// Waits for a state the test cannot be told about, by checking it again and again until a deadline: a broker's,
/// a client's or a background job's. Checks come quickly at first (1 ms apart), then every 20 ms. On the deadline a
/// <see cref="TimeoutException"/> names what was awaited; the current test's cancellation token
/// (<c>TestContext.Current.CancellationToken</c>) stops the wait at once. Prefer a signal the code under test gives
/// (a task, a callback, an output line) when there is one.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    /// <param name="what">What is awaited, for the failure: "b to own all six partitions".</param>
    public static Task TrueAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), static held => held, deadline, what, showLast: false);
    }

    /// <summary>Waits until <paramref name="condition"/>, which asks something asynchronously, holds.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan deadline, string what) =>
        UntilAsync(condition, static held => held, deadline, what, showLast: false);

    /// <summary>
    /// Reads a value until <paramref name="accept"/> takes it, and returns it; a timeout also shows the last value
    /// read.
    /// </summary>
    public static Task<T> ValueAsync<T>(Func<T> read, Func<T, bool> accept, TimeSpan deadline, string what)
    {
        ArgumentNullException.ThrowIfNull(read);
        return UntilAsync(() => Task.FromResult(read()), accept, deadline, what, showLast: true);
    }

    /// <summary>Reads a value asynchronously until <paramref name="accept"/> takes it, and returns it.</summary>
    public static Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> accept, TimeSpan deadline, string what) =>
        UntilAsync(read, accept, deadline, what, showLast: true);

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> accept, TimeSpan deadline,
        string what, bool showLast)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(accept);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        long start = Stopwatch.GetTimestamp();
        TimeSpan pause = FirstPause;
        while (true)
        {
            T value = await read().ConfigureAwait(false);
            if (accept(value)) return value;
            TimeSpan left = deadline - Stopwatch.GetElapsedTime(start);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"timed out after {deadline.TotalSeconds:0.###} s waiting for {what}"
                    + (showLast ? $"; the last value read was {value}" : ""));
            }
            await Task.Delay(pause < left ? pause : left, cancellationToken).ConfigureAwait(false);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }
}
