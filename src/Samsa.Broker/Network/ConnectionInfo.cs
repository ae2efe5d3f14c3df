using System.Net;

namespace Samsa.Broker.Network;

/// <summary>The connection a request arrived on.</summary>
internal readonly record struct ConnectionInfo(string ConnectionId, EndPoint? RemoteEndPoint, string ListenerName);
