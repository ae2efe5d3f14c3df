namespace Samsa.Broker.Handlers;

// AllocateProducerIds v0, served on a controller listener. Behaviour: a registered broker with its current broker
// epoch gets the next block of producer ids, committed before it is handed out; a stale epoch is STALE_BROKER_EPOCH,
// an exhausted id space UNKNOWN_SERVER_ERROR, as Kafka's controller answers.
[ApiHandler(ApiKey.AllocateProducerIds, MinVersion = 0, MaxVersion = 0)]
internal sealed class AllocateProducerIdsHandler(IController controller)
    : ControllerRpcHandler<AllocateProducerIdsRequest, AllocateProducerIdsResponse, AllocateProducerIdsResult>(
        controller)
{
    protected override Task<AllocateProducerIdsResult> CallAsync(IController controller,
        AllocateProducerIdsRequest request, CancellationToken cancellationToken) =>
        controller.AllocateProducerIdsAsync(request.BrokerId, request.BrokerEpoch, cancellationToken);

    protected override AllocateProducerIdsResponse Respond(AllocateProducerIdsResult result) => new()
    {
        ErrorCode = (short)ErrorMapping.ToErrorCode(result.Status),
        ProducerIdStart = result.Status == ControllerStatus.Ok ? result.Block.FirstProducerId : -1,
        ProducerIdLen = result.Status == ControllerStatus.Ok ? result.Block.Size : 0,
    };
}
