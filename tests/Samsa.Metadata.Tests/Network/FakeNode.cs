using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Samsa.Protocol;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Tests.Network;

/// <summary>
/// A Kafka node on a loopback port that serves ApiVersions and Metadata the way a test asks, so the client can be
/// shown a node that answers, stays silent, mixes up correlation ids or refuses ApiVersions v3.
/// </summary>
internal sealed class FakeNode : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _sockets = [];
    private readonly Task _accepting;
    private int _connections;

    public FakeNode(int port = 0)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public enum Behaviour { Answer, Silent, WrongCorrelationId }

    /// <summary>What the node does with Metadata requests from now on.</summary>
    public volatile Behaviour Metadata = Behaviour.Answer;

    /// <summary>The highest Metadata version the node announces.</summary>
    public short MetadataMaxVersion { get; init; } = 9;

    /// <summary>Answers ApiVersions v3+ with UNSUPPORTED_VERSION in v0, as a node that knows only v0-2 does.</summary>
    public bool RefusesFlexibleApiVersions { get; init; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The header of every request received, in arrival order.</summary>
    public ConcurrentQueue<RequestHeader> Requests { get; } = new();

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                Socket socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _sockets.Add(socket);
                _ = ServeAsync(socket);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        byte[] prefix = new byte[4];
        try
        {
            while (await stream.ReadAtLeastAsync(prefix, 4, throwOnEndOfStream: false, _stop.Token) == 4)
            {
                byte[] frame = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
                await stream.ReadExactlyAsync(frame, _stop.Token);
                var reader = new KafkaReader(frame);
                RequestHeader header = HeaderVersions.ReadRequestHeader(ref reader, out _);
                Requests.Enqueue(header);
                byte[]? response = Answer(header);
                if (response is not null) await stream.WriteAsync(response, _stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
    }

    private byte[]? Answer(RequestHeader header)
    {
        var key = (ApiKey)header.RequestApiKey;
        short version = header.RequestApiVersion;
        if (key == ApiKey.ApiVersions)
        {
            if (RefusesFlexibleApiVersions && version >= 3)
            {
                return Frame(header.CorrelationId, key, 0,
                    ApiVersions((short)ErrorCode.UnsupportedVersion));
            }
            return Frame(header.CorrelationId, key, version, ApiVersions(0));
        }
        return Metadata switch
        {
            Behaviour.Silent => null,
            Behaviour.WrongCorrelationId => Frame(header.CorrelationId + 1, key, version, new MetadataResponse()),
            _ => Frame(header.CorrelationId, key, version,
                new MetadataResponse { ThrottleTimeMs = header.CorrelationId, ClusterId = "fake" }),
        };
    }

    private ApiVersionsResponse ApiVersions(short error) => new()
    {
        ErrorCode = error,
        ApiKeys =
        [
            new ApiVersionsResponse.ApiVersion { ApiKey = (short)ApiKey.ApiVersions, MinVersion = 0, MaxVersion = 2 },
            new ApiVersionsResponse.ApiVersion
            {
                ApiKey = (short)ApiKey.Metadata, MinVersion = 0, MaxVersion = MetadataMaxVersion,
            },
        ],
    };

    private static byte[] Frame(int correlationId, ApiKey key, short version, IKafkaMessage body)
    {
        var header = new ResponseHeader { CorrelationId = correlationId };
        short headerVersion = HeaderVersions.Response(key, version);
        var output = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(output);
        writer.WriteInt32(header.GetSize(headerVersion) + body.GetSize(version));
        header.Write(ref writer, headerVersion);
        body.Write(ref writer, version);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (Socket socket in _sockets) socket.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
