using ResourceResponse = Samsa.Protocol.Messages.IncrementalAlterConfigsResponse.AlterConfigsResourceResponse;

namespace Samsa.Broker.Handlers;

// IncrementalAlterConfigs v0–1. Behaviour: changes the dynamic configs of each topic or broker resource op by op,
// through the controller: SET (0) a value, DELETE (1) the dynamic value so the next layer's applies, APPEND (2) and
// SUBTRACT (3) items of a list config (cleanup.policy), starting from the default when nothing is set; the result
// is validated whole (for brokers, dynamic keys only) and validate-only writes nothing. As Kafka's broker checks
// before forwarding, a broker resource must be this node's id or "" (the cluster-wide default), and other resource
// types get INVALID_REQUEST; so do a resource or key named twice, a null value (but for DELETE) and an unknown
// operation; APPEND or SUBTRACT on a config that is not a list gets INVALID_CONFIG. Each resource succeeds or fails
// on its own, with a message. Version notes: v1 first flexible.
[ApiHandler(ApiKey.IncrementalAlterConfigs, MinVersion = 0, MaxVersion = 1)]
internal sealed class IncrementalAlterConfigsHandler(int nodeId, IController controller)
    : ApiHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>
{
    protected override async ValueTask<IncrementalAlterConfigsResponse?> HandleAsync(RequestContext context,
        IncrementalAlterConfigsRequest request, CancellationToken cancellationToken)
    {
        var response = new IncrementalAlterConfigsResponse();
        var forwarded = new List<AlterConfigsResource>();
        var forwardedResponses = new List<ResourceResponse>();
        foreach (IncrementalAlterConfigsRequest.AlterConfigsResource resource in request.Resources)
        {
            var result = new ResourceResponse
            {
                ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, ErrorMessage = null,
            };
            response.Responses.Add(result);
            if (!AlterConfigsHandler.TryResolve(resource.ResourceType, resource.ResourceName, nodeId,
                out ConfigResource target, out string? message))
            {
                result.ErrorCode = (short)ErrorCode.InvalidRequest;
                result.ErrorMessage = message;
                continue;
            }
            var ops = new List<AlterConfigOp>(resource.Configs.Count);
            foreach (IncrementalAlterConfigsRequest.AlterableConfig config in resource.Configs)
                ops.Add(new AlterConfigOp(config.Name, config.Value, (AlterConfigOpType)config.ConfigOperation));
            forwarded.Add(new AlterConfigsResource(target, ops));
            forwardedResponses.Add(result);
        }
        if (forwarded.Count == 0) return response;
        IReadOnlyList<AlterConfigsResult> results = await controller
            .IncrementalAlterConfigsAsync(forwarded, request.ValidateOnly, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < results.Count; i++)
        {
            forwardedResponses[i].ErrorCode = (short)ErrorMapping.ToErrorCode(results[i].Status);
            forwardedResponses[i].ErrorMessage = results[i].Message;
        }
        return response;
    }
}
