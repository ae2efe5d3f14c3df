using Samsa.Metadata.Controller;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using DomainHeartbeat = Samsa.Metadata.Controller.BrokerHeartbeatRequest;
using DomainRegistration = Samsa.Metadata.Controller.BrokerRegistrationRequest;

namespace Samsa.Metadata.Network;

// BrokerRegistration, BrokerHeartbeat and AllocateProducerIds: the broker's own calls.
public sealed partial class RemoteController
{
    public async Task<BrokerRegistrationResult> RegisterBrokerAsync(DomainRegistration request,
        CancellationToken cancellationToken)
    {
        (BrokerRegistrationResponse? response, string? failure) =
            await SendAsync<Protocol.Messages.BrokerRegistrationRequest, BrokerRegistrationResponse>(
                ApiKey.BrokerRegistration, _ => Registration(request), r => IsNotController(r.ErrorCode),
                cancellationToken).ConfigureAwait(false);
        if (response is null) return new(ControllerStatus.ControllerUnavailable, Unavailable(failure), -1);
        ControllerStatus status = Status(response.ErrorCode);
        return new(status, Answered(status, response.ErrorCode),
            response.BrokerEpoch);
    }

    private static Protocol.Messages.BrokerRegistrationRequest Registration(DomainRegistration request)
    {
        var wire = new Protocol.Messages.BrokerRegistrationRequest
        {
            BrokerId = request.BrokerId,
            ClusterId = request.ClusterId ?? "",
            IncarnationId = request.IncarnationId,
            Rack = request.Rack,
            PreviousBrokerEpoch = request.PreviousBrokerEpoch,
            LogDirs = [.. request.LogDirs ?? []],
        };
        foreach (BrokerEndpoint endpoint in request.Endpoints)
        {
            wire.Listeners.Add(new Protocol.Messages.BrokerRegistrationRequest.Listener
            {
                Name = endpoint.Name,
                Host = endpoint.Host,
                Port = (ushort)endpoint.Port,
                SecurityProtocol = endpoint.SecurityProtocol,
            });
        }
        return wire;
    }

    public async Task<BrokerHeartbeatResult> HeartbeatAsync(DomainHeartbeat request,
        CancellationToken cancellationToken)
    {
        (BrokerHeartbeatResponse? response, string? failure) =
            await SendAsync<Protocol.Messages.BrokerHeartbeatRequest, BrokerHeartbeatResponse>(
                ApiKey.BrokerHeartbeat, _ => new Protocol.Messages.BrokerHeartbeatRequest
                {
                    BrokerId = request.BrokerId,
                    BrokerEpoch = request.BrokerEpoch,
                    CurrentMetadataOffset = request.CurrentMetadataOffset,
                    WantFence = request.WantFence,
                    WantShutDown = request.WantShutDown,
                    OfflineLogDirs = [.. request.OfflineLogDirs ?? []],
                }, r => IsNotController(r.ErrorCode), cancellationToken).ConfigureAwait(false);
        if (response is null)
            return new(ControllerStatus.ControllerUnavailable, Unavailable(failure), false, true, false);
        ControllerStatus status = Status(response.ErrorCode);
        return new(status, Answered(status, response.ErrorCode),
            response.IsCaughtUp, response.IsFenced, response.ShouldShutDown);
    }

    public async Task<AllocateProducerIdsResult> AllocateProducerIdsAsync(int brokerId, long brokerEpoch,
        CancellationToken cancellationToken)
    {
        (AllocateProducerIdsResponse? response, string? failure) =
            await SendAsync<AllocateProducerIdsRequest, AllocateProducerIdsResponse>(ApiKey.AllocateProducerIds,
                _ => new AllocateProducerIdsRequest { BrokerId = brokerId, BrokerEpoch = brokerEpoch },
                r => IsNotController(r.ErrorCode), cancellationToken).ConfigureAwait(false);
        if (response is null) return new(ControllerStatus.ControllerUnavailable, Unavailable(failure), default);
        ControllerStatus status = Status(response.ErrorCode);
        return status == ControllerStatus.Ok
            ? new(status, null, new ProducerIdsBlock(brokerId, response.ProducerIdStart, response.ProducerIdLen))
            : new(status, Answered(status, response.ErrorCode), default);
    }

    private static string? Answered(ControllerStatus status, short errorCode) =>
        status == ControllerStatus.Ok ? null : $"The controller answered {(ErrorCode)errorCode}";
}
