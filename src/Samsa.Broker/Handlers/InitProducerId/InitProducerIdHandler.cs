using Samsa.Broker.Transactions;

namespace Samsa.Broker.Handlers;

// InitProducerId v0–5, for idempotent producers (a null transactional id). Behaviour: a new producer gets the next id
// of this broker's block (allocated by the controller, so unique in the cluster) at epoch 0. A producer that names its
// current id and epoch (v3+, KIP-360) after a failed batch gets the same id at the next epoch, so its sequences restart
// at 0 on every partition; when the epoch would overflow, or the id was never allocated, it gets a new id. Transactions
// are not served: a transactional id gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which clients treat as fatal instead
// of retrying (an empty one INVALID_REQUEST, as Kafka answers). No block yet (the broker is not registered, the
// controller is away): COORDINATOR_LOAD_IN_PROGRESS, which clients retry. Version notes: v2 first flexible; v3 adds
// ProducerId and ProducerEpoch; v4 and v5 add error codes of transactional producers only.
[ApiHandler(ApiKey.InitProducerId, MinVersion = 0, MaxVersion = 5)]
internal sealed class InitProducerIdHandler(ProducerIdManager producerIds, MetadataLoader metadata)
    : ApiHandler<InitProducerIdRequest, InitProducerIdResponse>
{
    protected override async ValueTask<InitProducerIdResponse?> HandleAsync(RequestContext context,
        InitProducerIdRequest request, CancellationToken cancellationToken)
    {
        if (request.TransactionalId is { Length: 0 })
            return new InitProducerIdResponse { ErrorCode = (short)ErrorCode.InvalidRequest };
        if (request.TransactionalId is not null)
            return new InitProducerIdResponse { ErrorCode = (short)ErrorCode.TransactionalIdAuthorizationFailed };
        bool hasId = request.ProducerId >= 0;
        bool hasEpoch = request.ProducerEpoch >= 0;
        if (hasId != hasEpoch) return new InitProducerIdResponse { ErrorCode = (short)ErrorCode.InvalidRequest };
        if (hasId && request.ProducerId < metadata.Current.ProducerIds.NextProducerId &&
            request.ProducerEpoch < short.MaxValue - 1)
        {
            return new InitProducerIdResponse
            {
                ProducerId = request.ProducerId,
                ProducerEpoch = (short)(request.ProducerEpoch + 1),
            };
        }
        (ControllerStatus status, long producerId) = await producerIds.NextAsync(cancellationToken)
            .ConfigureAwait(false);
        if (status != ControllerStatus.Ok)
            return new InitProducerIdResponse { ErrorCode = (short)ErrorCode.CoordinatorLoadInProgress };
        return new InitProducerIdResponse { ProducerId = producerId, ProducerEpoch = 0 };
    }
}
