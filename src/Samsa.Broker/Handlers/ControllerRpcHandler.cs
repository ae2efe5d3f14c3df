namespace Samsa.Broker.Handlers;

/// <summary>
/// A controller RPC served on the controller listener (BrokerRegistration, BrokerHeartbeat, AlterPartition):
/// the request becomes one <see cref="MetadataController"/> call, whose result becomes the response. The call
/// answers once its records are committed and applied.
/// </summary>
internal abstract class ControllerRpcHandler<TRequest, TResponse, TResult>(IController controller)
    : ApiHandler<TRequest, TResponse>
    where TRequest : IKafkaMessage<TRequest>, IKafkaRequest
    where TResponse : class, IKafkaMessage
{
    protected sealed override async ValueTask<TResponse?> HandleAsync(RequestContext context, TRequest request,
        CancellationToken cancellationToken) =>
        Respond(await CallAsync(controller, request, cancellationToken).ConfigureAwait(false));

    /// <summary>The controller call the request asks for.</summary>
    protected abstract Task<TResult> CallAsync(IController controller, TRequest request,
        CancellationToken cancellationToken);

    /// <summary>The response that carries <paramref name="result"/>.</summary>
    protected abstract TResponse Respond(TResult result);
}
