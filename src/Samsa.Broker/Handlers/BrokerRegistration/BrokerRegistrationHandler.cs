using System.Collections.Immutable;
using BrokerRegistrationRequest = Samsa.Protocol.Messages.BrokerRegistrationRequest;
using BrokerRegistrationResponse = Samsa.Protocol.Messages.BrokerRegistrationResponse;
using DomainRequest = Samsa.Metadata.Controller.BrokerRegistrationRequest;

namespace Samsa.Broker.Handlers;

// BrokerRegistration v0–4, served on a controller listener. Behaviour: a broker joins the cluster with its id,
// incarnation, cluster id and advertised listeners; the controller answers with the epoch of its new registration
// (it starts fenced), or INCONSISTENT_CLUSTER_ID, DUPLICATE_BROKER_REGISTRATION (another live incarnation holds the
// id) or INVALID_REQUEST, as Kafka's controller does. Version notes: v1 ZK migration flag (ignored: no ZooKeeper);
// v2 log dirs; v3 previous broker epoch (KIP-966); v4 feature levels of v0 included.
[ApiHandler(ApiKey.BrokerRegistration, MinVersion = 0, MaxVersion = 4)]
internal sealed class BrokerRegistrationHandler(IController controller)
    : ControllerRpcHandler<BrokerRegistrationRequest, BrokerRegistrationResponse, BrokerRegistrationResult>(controller)
{
    protected override Task<BrokerRegistrationResult> CallAsync(IController controller,
        BrokerRegistrationRequest request, CancellationToken cancellationToken)
    {
        ImmutableArray<BrokerEndpoint>.Builder endpoints =
            ImmutableArray.CreateBuilder<BrokerEndpoint>(request.Listeners.Count);
        foreach (BrokerRegistrationRequest.Listener listener in request.Listeners)
            endpoints.Add(new BrokerEndpoint(listener.Name, listener.Host, listener.Port, listener.SecurityProtocol));
        var registration = new DomainRequest(request.BrokerId, request.IncarnationId, request.ClusterId,
            endpoints.ToImmutable(), request.Rack, request.PreviousBrokerEpoch, request.LogDirs);
        return controller.RegisterBrokerAsync(registration, cancellationToken);
    }

    protected override BrokerRegistrationResponse Respond(BrokerRegistrationResult result) =>
        new() { ErrorCode = (short)ErrorMapping.ToErrorCode(result.Status), BrokerEpoch = result.BrokerEpoch };
}
