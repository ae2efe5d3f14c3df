using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Samsa.Broker.Maintenance;

namespace Samsa.Broker.Tests.Maintenance;

// The trim runs once when load stops: never while load goes on, never on a broker that saw no load, and not again
// until load comes back. The activity counter and the trim are stand-ins; the clock is fake.
public sealed class IdleMemoryTrimTests
{
    private readonly FakeTimeProvider _time = new();
    private long _activity;
    private int _trims;

    private IdleMemoryTrim Start() =>
        new(_time, () => Volatile.Read(ref _activity), () => _trims++, NullLogger.Instance);

    private void Second(long activity)
    {
        _activity += activity;
        _time.Advance(IdleMemoryTrim.CheckInterval);
    }

    [Fact]
    public async Task Trims_once_after_two_quiet_checks_that_follow_load()
    {
        await using IdleMemoryTrim trim = Start();
        for (int i = 0; i < 5; i++) Second(IdleMemoryTrim.LoadBytes);
        Assert.Equal(0, _trims);

        Second(0);
        Assert.Equal(0, _trims);
        Second(IdleMemoryTrim.QuietBytes / 2);
        Assert.Equal(1, _trims);

        for (int i = 0; i < 60; i++) Second(64 * 1024);   // a long-polling consumer is not load
        Assert.Equal(1, _trims);
    }

    [Fact]
    public async Task Never_trims_a_broker_that_saw_no_load()
    {
        await using IdleMemoryTrim trim = Start();
        for (int i = 0; i < 120; i++) Second(IdleMemoryTrim.QuietBytes - 1);
        Assert.Equal(0, _trims);
    }

    [Fact]
    public async Task Trims_again_only_after_load_comes_back()
    {
        await using IdleMemoryTrim trim = Start();
        Second(IdleMemoryTrim.LoadBytes);
        Second(0);
        Second(0);
        Assert.Equal(1, _trims);

        Second(IdleMemoryTrim.LoadBytes);
        Second(0);
        Assert.Equal(1, _trims);
        Second(0);
        Assert.Equal(2, _trims);
    }
}
