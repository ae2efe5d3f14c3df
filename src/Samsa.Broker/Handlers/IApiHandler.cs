using System.Diagnostics;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Handlers;

/// <summary>
/// Serves one API. Implementations derive from <see cref="ApiHandler{TRequest, TResponse}"/>, or from
/// <see cref="SyncApiHandler{TRequest, TResponse}"/> when they answer before returning.
/// </summary>
internal interface IApiHandler
{
    /// <summary>
    /// Decodes the body and handles it. What the handler needs from the request frame it reads before it returns:
    /// the frame's memory is reused once the returned task is pending or done. A null result sends no response
    /// (a Produce with acks=0).
    /// </summary>
    ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, ref KafkaReader body,
        CancellationToken cancellationToken);

    /// <summary>A response carrying <paramref name="error"/> for a request that could not be served.</summary>
    IKafkaMessage ErrorResponse(RequestContext context, ref KafkaReader body, ErrorCode error);
}

/// <summary>A handler typed by its request and response messages.</summary>
internal abstract class ApiHandler<TRequest, TResponse> : IApiHandler
    where TRequest : IKafkaMessage<TRequest>, IKafkaRequest
    where TResponse : class, IKafkaMessage
{
    public ValueTask<IKafkaMessage?> HandleAsync(RequestContext context, ref KafkaReader body,
        CancellationToken cancellationToken)
    {
        TRequest request = TRequest.Read(ref body, context.ApiVersion);
        ValueTask<TResponse?> pending = HandleAsync(context, request, cancellationToken);
        return pending.IsCompletedSuccessfully
            ? new ValueTask<IKafkaMessage?>(Reply(request, pending.Result))
            : AwaitAsync(request, pending);
    }

    public IKafkaMessage ErrorResponse(RequestContext context, ref KafkaReader body, ErrorCode error) =>
        ErrorResponse(context, TRequest.Read(ref body, context.ApiVersion), error);

    protected abstract ValueTask<TResponse?> HandleAsync(RequestContext context, TRequest request,
        CancellationToken cancellationToken);

    /// <summary>
    /// What goes back for <paramref name="response"/>: the response itself, unless the API answers some requests
    /// with nothing (null) or by closing the connection (<see cref="Network.CloseConnection.Instance"/>).
    /// </summary>
    protected virtual IKafkaMessage? Reply(TRequest request, TResponse? response) => response;

    /// <summary>
    /// The response Kafka gives when the whole request fails with <paramref name="error"/>: the one generated from
    /// the definitions (<see cref="IKafkaRequest.ErrorResponse"/>). A handler overrides it only when it answers with
    /// something other than the generated response, or when the answer needs the broker's state.
    /// </summary>
    protected virtual TResponse ErrorResponse(RequestContext context, TRequest request, ErrorCode error) =>
        request.ErrorResponse(context.ApiVersion, error) as TResponse
        ?? throw new UnreachableException(
            $"{GetType().Name} answers with {typeof(TResponse).Name}, so it must override ErrorResponse");

    private async ValueTask<IKafkaMessage?> AwaitAsync(TRequest request, ValueTask<TResponse?> pending) =>
        Reply(request, await pending.ConfigureAwait(false));
}

/// <summary>
/// A handler that answers before it returns (no await: a lookup, a describe, a group operation under its lock),
/// so it deals in responses rather than tasks.
/// </summary>
internal abstract class SyncApiHandler<TRequest, TResponse> : ApiHandler<TRequest, TResponse>
    where TRequest : IKafkaMessage<TRequest>, IKafkaRequest
    where TResponse : class, IKafkaMessage
{
    protected sealed override ValueTask<TResponse?> HandleAsync(RequestContext context, TRequest request,
        CancellationToken cancellationToken) => new(Handle(context, request));

    protected abstract TResponse? Handle(RequestContext context, TRequest request);
}
