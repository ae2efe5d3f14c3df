namespace Samsa.Protocol;

/// <summary>A generated request: besides being written and read, it knows how Kafka answers it when it fails.</summary>
public interface IKafkaRequest : IKafkaMessage
{
    /// <summary>
    /// The response Kafka gives when this whole request fails with <paramref name="error"/> (an unsupported version,
    /// a server error): the error in the top-level error code where <paramref name="version"/> has one, and in every
    /// topic, partition or resource the request names, as Kafka's <c>AbstractRequest.getErrorResponse</c> builds it.
    /// The rules are generated from the definitions; see tools/Samsa.ProtocolGen/ErrorResponseEmitter.cs.
    /// </summary>
    IKafkaMessage ErrorResponse(short version, ErrorCode error);
}
