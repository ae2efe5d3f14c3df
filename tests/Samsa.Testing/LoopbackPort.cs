using System.Net;
using System.Net.Sockets;

namespace Samsa.Testing;

/// <summary>Loopback ports for a test that must name one before anything listens on it (a quorum's voters, a node
/// that comes up later).</summary>
public static class LoopbackPort
{
    /// <summary>A port the OS just handed out and released: free now, though another process could take it.</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
