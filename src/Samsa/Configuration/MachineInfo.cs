using System.Net;

namespace Samsa.Configuration;

/// <summary>Facts about the machine that defaults are derived from; tests pass their own.</summary>
/// <param name="HostName">Advertised for a listener that binds every interface when advertised.listeners is
/// unset.</param>
/// <param name="AvailableMemoryBytes">Memory the process may use (the container's limit when there is one).</param>
internal sealed record MachineInfo(string HostName, long AvailableMemoryBytes)
{
    public static MachineInfo Current => new(Dns.GetHostName(), GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
}
