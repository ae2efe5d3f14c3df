namespace Samsa.IntegrationTests.Support;

internal static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the deadline.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        DateTime end = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > end) Assert.Fail($"timed out after {deadline.TotalSeconds} s waiting for {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
