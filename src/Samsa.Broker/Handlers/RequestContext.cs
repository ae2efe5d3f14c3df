using System.Net;

namespace Samsa.Broker.Handlers;

/// <summary>What a handler knows about the request beyond its body: who sent it and at which version.</summary>
internal readonly record struct RequestContext(
    ApiKey ApiKey,
    short ApiVersion,
    int CorrelationId,
    string? ClientId,
    string ConnectionId,
    EndPoint? RemoteEndPoint,
    string ListenerName);
