namespace Samsa.Broker.Groups;

/// <summary>
/// A timer for a deadline that keeps moving, such as a member's session: <see cref="Start"/> sets the deadline
/// and arms the timer; the callback asks <see cref="IsDue"/>, which re-arms for what is left when the deadline was
/// moved on since the timer was armed. One timer serves every refresh, so a heartbeat costs no allocation.
/// </summary>
/// <remarks>Guarded by the owning group's lock: callers hold it, and the callback takes it before asking.</remarks>
internal sealed class DeadlineTimer
{
    private ITimer? _timer;

    /// <summary>When the deadline passes; a timer that fires before it re-arms.</summary>
    public DateTimeOffset Deadline { get; private set; }

    public bool IsRunning => _timer is not null;

    /// <summary>Sets the deadline <paramref name="timeout"/> from now; <paramref name="onDue"/> runs around then.
    /// </summary>
    public void Start(TimeProvider time, TimeSpan timeout, TimerCallback onDue, object state)
    {
        Deadline = time.GetUtcNow() + timeout;
        if (_timer is null) _timer = time.CreateTimer(onDue, state, timeout, Timeout.InfiniteTimeSpan);
        else _timer.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// From the callback: true when the deadline has passed. Otherwise the timer is re-armed for the time left (or
    /// was stopped meanwhile) and the answer is false.
    /// </summary>
    public bool IsDue(TimeProvider time)
    {
        if (_timer is null) return false;
        TimeSpan left = Deadline - time.GetUtcNow();
        if (left <= TimeSpan.Zero) return true;
        _timer.Change(left, Timeout.InfiniteTimeSpan);
        return false;
    }

    public void Stop()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
