using System.Globalization;

namespace Samsa.Metadata.Configs;

/// <summary>
/// One entry of <c>listeners</c> or <c>advertised.listeners</c>: <c>NAME://HOST:PORT</c>. The name is upper-cased
/// (Kafka's listener names are case-insensitive); an empty host or <c>0.0.0.0</c> binds every interface; port 0
/// asks the operating system for one.
/// </summary>
/// <param name="Name">The listener name (<c>PLAINTEXT</c>, <c>CONTROLLER</c>, <c>PLAINTEXT_HOST</c>).</param>
/// <param name="Host">The host name or address, without IPv6 brackets; empty for every interface.</param>
/// <param name="Port">The port, 0 to 65535.</param>
public readonly record struct ListenerEndpoint(string Name, string Host, int Port)
{
    /// <summary>Whether the host binds every interface (empty, <c>0.0.0.0</c> or <c>::</c>).</summary>
    public bool IsWildcard => Host is "" or "0.0.0.0" or "::" or "[::]";

    /// <summary>Whether the host is a loopback name or address (<c>localhost</c>, <c>127.x.x.x</c>,
    /// <c>::1</c>).</summary>
    public bool IsLoopback => ServerAddress.IsLoopbackHost(Host);

    public override string ToString() => Name + "://" + ServerAddress.FormatHost(Host) + ":"
        + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses one <c>NAME://HOST:PORT</c>; the error follows "has …" phrasing.</summary>
    public static bool TryParse(string text, out ListenerEndpoint endpoint, out string? error)
    {
        endpoint = default;
        int separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || !IsName(text.AsSpan(0, separator)))
        {
            error = $"has {text}, which is not NAME://HOST:PORT";
            return false;
        }

        if (!ServerAddress.TryParse(text[(separator + 3)..], allowEmptyHost: true, out ServerAddress address))
        {
            error = $"has {text}, which is not NAME://HOST:PORT with a port from 0 to 65535";
            return false;
        }

        endpoint = new ListenerEndpoint(text[..separator].ToUpperInvariant(), address.Host, address.Port);
        error = null;
        return true;
    }

    /// <summary>
    /// Parses a comma-separated list, refusing a name used twice and (as Kafka does) a port used twice by the
    /// same address family; port 0 may repeat.
    /// </summary>
    public static bool TryParseList(string text, bool requireDistinctPorts, out IReadOnlyList<ListenerEndpoint> list,
        out string? error)
    {
        list = [];
        if (text.Trim().Length == 0)
        {
            error = null;
            return true;
        }

        var endpoints = new List<ListenerEndpoint>();
        foreach (string item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (item.Length == 0)
            {
                error = "must not have an empty entry";
                return false;
            }

            if (!TryParse(item, out ListenerEndpoint endpoint, out error)) return false;
            foreach (ListenerEndpoint other in endpoints)
            {
                if (other.Name == endpoint.Name)
                {
                    error = $"names listener {endpoint.Name} twice";
                    return false;
                }

                if (requireDistinctPorts && endpoint.Port != 0 && other.Port == endpoint.Port
                    && IsIPv6(other.Host) == IsIPv6(endpoint.Host))
                {
                    error = $"uses port {endpoint.Port.ToString(CultureInfo.InvariantCulture)} twice";
                    return false;
                }
            }

            endpoints.Add(endpoint);
        }

        list = endpoints;
        error = null;
        return true;
    }

    private static bool IsIPv6(string host) => host.Contains(':', StringComparison.Ordinal);

    internal static bool IsName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty) return false;
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-' and not '.') return false;
        }

        return true;
    }
}
