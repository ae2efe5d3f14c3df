namespace Samsa.Configuration;

/// <summary>A listener of <c>listeners</c> with what it resolves to.</summary>
/// <param name="Bind">Where it binds.</param>
/// <param name="SecurityProtocol">Its protocol (PLAINTEXT).</param>
/// <param name="IsController">Named in <c>controller.listener.names</c>: not advertised to clients.</param>
/// <param name="Advertised">What clients and brokers are told; null for a controller listener or one left out of
/// <c>advertised.listeners</c>. Port 0 stays 0 here: the broker advertises the port it bound.</param>
/// <param name="AdvertisesHostName">The advertised host is this machine's name, because the listener binds every
/// interface and <c>advertised.listeners</c> does not say otherwise.</param>
internal sealed record ConfiguredListener(
    ListenerEndpoint Bind,
    string SecurityProtocol,
    bool IsController,
    ListenerEndpoint? Advertised,
    bool AdvertisesHostName)
{
    public string Name => Bind.Name;
}
