namespace Samsa.Broker.Handlers;

// DescribeCluster v0–1. Behaviour: the cluster id, the unfenced brokers with their endpoint on the listener the request
// came in on, and as the controller id a live broker (this one when unfenced, else the lowest unfenced id; -1 with
// none), never a controller-only node, as KRaft brokers answer. Only broker endpoints are described: endpoint type 2
// (controllers) gets MISMATCHED_ENDPOINT_TYPE, any other UNSUPPORTED_ENDPOINT_TYPE. Cluster authorized operations, when
// asked for, are every operation on the cluster resource (there is no authorizer). Version notes: v0 first, flexible;
// v1 adds the endpoint type.
[ApiHandler(ApiKey.DescribeCluster, MinVersion = 0, MaxVersion = 1)]
internal sealed class DescribeClusterHandler(BrokerOptions options, MetadataLoader metadata)
    : SyncApiHandler<DescribeClusterRequest, DescribeClusterResponse>
{
    private const sbyte BrokerEndpoints = 1;
    private const sbyte ControllerEndpoints = 2;

    // CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS and IDEMPOTENT_WRITE: Kafka's
    // operations on the cluster resource, as bits of their AclOperation codes.
    protected override DescribeClusterResponse Handle(RequestContext context, DescribeClusterRequest request)
    {
        if (request.EndpointType != BrokerEndpoints)
        {
            bool controllers = request.EndpointType == ControllerEndpoints;
            return new DescribeClusterResponse
            {
                ErrorCode = (short)(controllers ? ErrorCode.MismatchedEndpointType : ErrorCode.UnsupportedEndpointType),
                ErrorMessage = controllers
                    ? "The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER"
                    : $"Unsupported endpoint type {request.EndpointType}",
            };
        }
        MetadataImage image = metadata.Current;
        var response = new DescribeClusterResponse
        {
            ClusterId = image.ClusterId ?? "",
            ControllerId = image.Brokers.ControllerIdFor(options.NodeId),
            ClusterAuthorizedOperations = request.IncludeClusterAuthorizedOperations
                ? AuthorizedOperations.Cluster
                : AuthorizedOperations.NotRequested,
        };
        var brokers = new List<BrokerRegistration>(image.Brokers.All);
        brokers.Sort(static (a, b) => a.BrokerId.CompareTo(b.BrokerId));
        foreach (BrokerRegistration broker in brokers)
        {
            if (broker.IsFenced || !broker.TryGetEndpoint(context.ListenerName, out BrokerEndpoint endpoint)) continue;
            response.Brokers.Add(new DescribeClusterResponse.DescribeClusterBroker
            {
                BrokerId = broker.BrokerId, Host = endpoint.Host, Port = endpoint.Port, Rack = broker.Rack,
            });
        }
        return response;
    }
}
