using System.Globalization;
using System.Net;

namespace Samsa.Metadata.Configs;

/// <summary>A <c>HOST:PORT</c> from configuration (<c>controller.quorum.bootstrap.servers</c>, a voter's
/// address).</summary>
/// <param name="Host">Host name or address, without IPv6 brackets.</param>
/// <param name="Port">The port, 0 to 65535.</param>
public readonly record struct ServerAddress(string Host, int Port)
{
    public override string ToString() => FormatHost(Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses <c>HOST:PORT</c> or <c>[IPV6]:PORT</c>.</summary>
    public static bool TryParse(string text, bool allowEmptyHost, out ServerAddress address)
    {
        address = default;
        int colon = text.LastIndexOf(':');
        if (colon < 0) return false;
        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':', StringComparison.Ordinal)) return false;   // IPv6 needs brackets
        if (host.Length == 0 ? !allowEmptyHost : !IsHost(host)) return false;
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port > 65535)
            return false;
        address = new ServerAddress(host, port);
        return true;
    }

    /// <summary>Whether <paramref name="host"/> is <c>localhost</c> or a loopback address.</summary>
    public static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address));

    /// <summary>The host as it appears before <c>:PORT</c>: IPv6 addresses in brackets.</summary>
    public static string FormatHost(string host) =>
        host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host;

    private static bool IsHost(string host)
    {
        foreach (char c in host)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '.' and not '_' and not ':' and not '%')
                return false;
        }

        return true;
    }
}
