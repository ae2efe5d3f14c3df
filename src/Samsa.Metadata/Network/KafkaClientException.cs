namespace Samsa.Metadata.Network;

/// <summary>
/// A request that got no response: the node could not be reached, the connection closed or timed out before the
/// answer came, or the node serves no version of the API that Samsa speaks. An answer carrying an error code is a
/// response, not this exception.
/// </summary>
public sealed class KafkaClientException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when the node answered that it serves no common version: retrying will not help.</summary>
    public bool IsUnsupportedVersion { get; init; }
}
