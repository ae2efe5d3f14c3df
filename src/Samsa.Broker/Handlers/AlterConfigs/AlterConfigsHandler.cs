using ResourceResponse = Samsa.Protocol.Messages.AlterConfigsResponse.AlterConfigsResourceResponse;

namespace Samsa.Broker.Handlers;

// AlterConfigs v0–2, the legacy API. Behaviour: replaces all the dynamic configs of each topic or broker resource
// with those given (a config left out goes back to the next layer's value), through the controller, which checks
// names and values (for brokers, dynamic keys only); validate-only checks and writes nothing. As Kafka's broker
// checks before forwarding, a broker resource must be this node's id or "" (the cluster-wide default; on the
// controller listener, node id -1, any broker's id), and other resource types get INVALID_REQUEST; so do a resource
// named twice, a key named twice and a null value.
// Each resource succeeds or fails on its own, with a message. Version notes: v2 first flexible.
[ApiHandler(ApiKey.AlterConfigs, MinVersion = 0, MaxVersion = 2)]
internal sealed class AlterConfigsHandler(int nodeId, IController controller)
    : ApiHandler<AlterConfigsRequest, AlterConfigsResponse>
{
    protected override async ValueTask<AlterConfigsResponse?> HandleAsync(RequestContext context,
        AlterConfigsRequest request, CancellationToken cancellationToken)
    {
        var response = new AlterConfigsResponse();
        var forwarded = new List<AlterConfigsResource>();
        var forwardedResponses = new List<ResourceResponse>();
        foreach (AlterConfigsRequest.AlterConfigsResource resource in request.Resources)
        {
            var result = new ResourceResponse
            {
                ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, ErrorMessage = null,
            };
            response.Responses.Add(result);
            if (!TryResolve(resource.ResourceType, resource.ResourceName, nodeId, out ConfigResource target,
                out string? message))
            {
                result.ErrorCode = (short)ErrorCode.InvalidRequest;
                result.ErrorMessage = message;
                continue;
            }
            var ops = new List<AlterConfigOp>(resource.Configs.Count);
            foreach (AlterConfigsRequest.AlterableConfig config in resource.Configs)
                ops.Add(new AlterConfigOp(config.Name, config.Value));
            forwarded.Add(new AlterConfigsResource(target, ops));
            forwardedResponses.Add(result);
        }
        if (forwarded.Count == 0) return response;
        IReadOnlyList<AlterConfigsResult> results = await controller
            .AlterConfigsAsync(forwarded, request.ValidateOnly, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < results.Count; i++)
        {
            forwardedResponses[i].ErrorCode = (short)ErrorMapping.ToErrorCode(results[i].Status);
            forwardedResponses[i].ErrorMessage = results[i].Message;
        }
        return response;
    }

    /// <summary>The resource the controller changes, after the checks Kafka's broker makes before forwarding.</summary>
    internal static bool TryResolve(sbyte type, string name, int nodeId, out ConfigResource resource,
        out string? message)
    {
        switch ((ConfigResourceType)type)
        {
            case ConfigResourceType.Topic:
                resource = ConfigResource.ForTopic(name);
                message = null;
                return true;
            case ConfigResourceType.Broker:
                return ConfigResources.TryCheckBroker(name, nodeId, out resource, out message);
            default:
                resource = default;
                message = $"Unsupported resource type: {ConfigResources.TypeName(type)}";
                return false;
        }
    }
}
