namespace Samsa.Broker.Network;

/// <summary>
/// A response in the connection's queue: where it goes (correlation id, header and body versions) and its body,
/// which may still be on its way (acks=all produce, long-poll fetch). A null body means no response (acks=0).
/// </summary>
internal readonly record struct PendingResponse(
    ApiKey ApiKey,
    int CorrelationId,
    short HeaderVersion,
    short BodyVersion,
    ValueTask<IKafkaMessage?> Body);
