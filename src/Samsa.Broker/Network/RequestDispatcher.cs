using System.Buffers;
using Microsoft.Extensions.Logging;
using Samsa.Broker.Handlers;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Network;

/// <summary>
/// Decodes a request frame's header, picks the handler for its API and starts it. The decode and the handler's
/// synchronous part run on the connection's read loop, in request order; only completion may come later.
/// </summary>
/// <remarks>
/// An API key the definitions do not know closes the connection (a <see cref="ProtocolException"/>), as Kafka
/// does. A known API at a version the broker does not serve is answered with UNSUPPORTED_VERSION when the
/// version can be decoded; an ApiVersions request at an unknown version is answered at version 0 with the list
/// of supported versions (KIP-511), so the client can retry with one that works.
/// </remarks>
internal sealed partial class RequestDispatcher
{
    private readonly IApiHandler?[] _handlers;
    private readonly ILogger _logger;

    public RequestDispatcher(IReadOnlyList<IApiHandler> handlers, ApiVersionTable versions, ILogger logger)
    {
        Versions = versions;
        _logger = logger;
        int max = 0;
        foreach ((ApiKey key, _, _) in versions.Served) max = Math.Max(max, (short)key);
        _handlers = new IApiHandler?[max + 1];
        foreach (IApiHandler handler in handlers)
        {
            var declaration = (ApiHandlerAttribute)Attribute.GetCustomAttribute(handler.GetType(),
                typeof(ApiHandlerAttribute))!;
            _handlers[(short)declaration.Key] = handler;
        }
    }

    public ApiVersionTable Versions { get; }

    /// <summary>Decodes and starts one request.</summary>
    /// <exception cref="ProtocolException">The frame is malformed or names an unknown API: close the
    /// connection.</exception>
    public PendingResponse Dispatch(in ReadOnlySequence<byte> frame, in ConnectionInfo connection,
        CancellationToken cancellationToken)
    {
        var reader = new KafkaReader(frame);
        if (!HeaderVersions.TryPeekApi(frame, out short apiKey, out short apiVersion))
            throw new ProtocolException("request frame is shorter than its header");
        ApiMessageInfo info = ApiMessages.Find(apiKey) ?? throw new ProtocolException($"unknown api key {apiKey}");
        RequestHeader header = HeaderVersions.ReadRequestHeader(ref reader, out _);
        var context = new RequestContext(info.Key, apiVersion, header.CorrelationId, header.ClientId,
            connection.ConnectionId, connection.RemoteEndPoint, connection.ListenerName);
        IApiHandler? handler = apiKey < _handlers.Length ? _handlers[apiKey] : null;

        if (handler is null || !Versions.IsServed(apiKey, apiVersion))
            return Unsupported(info, context, handler, ref reader);

        short responseHeaderVersion = HeaderVersions.Response(info.Key, apiVersion);
        ValueTask<IKafkaMessage?> body;
        try
        {
            body = handler.HandleAsync(context, ref reader, cancellationToken);
        }
        catch (ProtocolException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A handler bug must not take the broker down; the client gets UNKNOWN_SERVER_ERROR.
            Log.HandlerFailed(_logger, e, info.Name, apiVersion, connection.ConnectionId);
            var retry = new KafkaReader(frame);
            HeaderVersions.ReadRequestHeader(ref retry, out _);
            body = new ValueTask<IKafkaMessage?>(
                handler.ErrorResponse(context, ref retry, ErrorCode.UnknownServerError));
        }
        return new PendingResponse(info.Key, header.CorrelationId, responseHeaderVersion, apiVersion, body);
    }

    private PendingResponse Unsupported(ApiMessageInfo info, RequestContext context, IApiHandler? handler,
        ref KafkaReader reader)
    {
        Log.UnsupportedVersion(_logger, info.Name, context.ApiVersion, context.ConnectionId);
        if (info.Key == ApiKey.ApiVersions)
        {
            var response = new ApiVersionsResponse { ErrorCode = (short)ErrorCode.UnsupportedVersion };
            ApiVersionsHandler.AddServedVersions(response, Versions);
            return new PendingResponse(info.Key, context.CorrelationId, 0, 0,
                new ValueTask<IKafkaMessage?>(response));
        }
        if (handler is null || !info.IsValidVersion(context.ApiVersion))
            throw new ProtocolException($"{info.Name} v{context.ApiVersion} is not served");
        IKafkaMessage error = handler.ErrorResponse(context, ref reader, ErrorCode.UnsupportedVersion);
        return new PendingResponse(info.Key, context.CorrelationId,
            HeaderVersions.Response(info.Key, context.ApiVersion), context.ApiVersion,
            new ValueTask<IKafkaMessage?>(error));
    }

    private static partial class Log
    {
        [LoggerMessage(4001, LogLevel.Error, "{Api} v{Version} handler failed on connection {ConnectionId}")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string api, short version,
            string connectionId);

        [LoggerMessage(4002, LogLevel.Debug,
            "{Api} v{Version} is not served; answered UNSUPPORTED_VERSION on {ConnectionId}")]
        public static partial void UnsupportedVersion(ILogger logger, string api, short version, string connectionId);
    }
}
