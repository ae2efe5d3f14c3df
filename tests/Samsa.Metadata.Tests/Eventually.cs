namespace Samsa.Metadata.Tests;

internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan deadline)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(deadline);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
