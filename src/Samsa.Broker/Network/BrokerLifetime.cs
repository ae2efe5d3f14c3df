namespace Samsa.Broker.Network;

/// <summary>
/// Signals connections that the broker is stopping: they stop reading new requests and finish the responses they
/// already owe, so a graceful shutdown loses no acknowledged work.
/// </summary>
internal sealed class BrokerLifetime : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken Stopping => _stopping.Token;

    public void Stop() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
