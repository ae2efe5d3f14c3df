namespace Samsa.Metadata.Image;

/// <summary>A listener a broker advertises: what the Metadata and DescribeCluster responses carry.</summary>
/// <param name="Name">The listener name (<c>PLAINTEXT</c>, <c>INTERNAL</c>, ...).</param>
/// <param name="Host">The advertised host name or address.</param>
/// <param name="Port">The advertised port.</param>
/// <param name="SecurityProtocol">The security protocol, by Kafka's id: 0 PLAINTEXT, 1 SSL, 2 SASL_PLAINTEXT,
/// 3 SASL_SSL.</param>
public readonly record struct BrokerEndpoint(string Name, string Host, int Port, short SecurityProtocol);
