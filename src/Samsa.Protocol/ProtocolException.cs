namespace Samsa.Protocol;

/// <summary>
/// The one exception that malformed wire input raises: a truncated frame, a length or count that exceeds
/// the bytes that remain, a bad varint, an unknown enum value where one is fixed by the protocol.
/// </summary>
/// <remarks>
/// A connection that sees it logs it at Debug and closes, as Kafka does. It is never used for expected
/// outcomes such as an unknown topic; those are error codes in the response.
/// </remarks>
public sealed class ProtocolException : Exception
{
    public ProtocolException()
    {
    }

    public ProtocolException(string message)
        : base(message)
    {
    }

    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
