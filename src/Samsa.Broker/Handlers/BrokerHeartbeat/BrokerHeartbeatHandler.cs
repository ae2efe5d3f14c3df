using BrokerHeartbeatRequest = Samsa.Protocol.Messages.BrokerHeartbeatRequest;
using BrokerHeartbeatResponse = Samsa.Protocol.Messages.BrokerHeartbeatResponse;
using DomainRequest = Samsa.Metadata.Controller.BrokerHeartbeatRequest;

namespace Samsa.Broker.Handlers;

// BrokerHeartbeat v0–1, served on a controller listener. Behaviour: keeps a registered broker's session alive; the
// broker is unfenced once the metadata offset it has applied reaches its registration and it does not ask to stay
// fenced; a broker that wants to shut down is fenced and told when it may; one whose every registered log dir is
// offline is fenced until one is back. A stale broker epoch is STALE_BROKER_EPOCH, an unknown broker
// BROKER_ID_NOT_REGISTERED. Version notes: v1 offline log directories.
[ApiHandler(ApiKey.BrokerHeartbeat, MinVersion = 0, MaxVersion = 1)]
internal sealed class BrokerHeartbeatHandler(IController controller)
    : ControllerRpcHandler<BrokerHeartbeatRequest, BrokerHeartbeatResponse, BrokerHeartbeatResult>(controller)
{
    protected override Task<BrokerHeartbeatResult> CallAsync(IController controller,
        BrokerHeartbeatRequest request, CancellationToken cancellationToken) =>
        controller.HeartbeatAsync(new DomainRequest(request.BrokerId, request.BrokerEpoch,
            request.CurrentMetadataOffset, request.WantFence, request.WantShutDown, request.OfflineLogDirs),
            cancellationToken);

    protected override BrokerHeartbeatResponse Respond(BrokerHeartbeatResult result) => new()
    {
        ErrorCode = (short)ErrorMapping.ToErrorCode(result.Status),
        IsCaughtUp = result.IsCaughtUp,
        IsFenced = result.IsFenced,
        ShouldShutDown = result.ShouldShutDown,
    };
}
