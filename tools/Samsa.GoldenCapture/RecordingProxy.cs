using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Samsa.GoldenCapture;

/// <summary>
/// A TCP proxy on 127.0.0.1 (port chosen by the OS) in front of one mock broker. Each client connection gets its
/// own upstream connection; one task per direction cuts the byte stream into Kafka frames (int32 big-endian size,
/// then header and body), records each request and pairs it with the response carrying the same correlation id.
/// </summary>
/// <remarks>
/// The mock advertises its own host:port in Metadata and FindCoordinator responses. So that every later
/// connection also comes through here, each response is scanned for the advertised host string followed by the
/// int32 port, and the port is replaced with the proxy's: same length, so frame sizes stay valid. The recorded
/// response is the mock's original; only the copy sent on to the client is rewritten. ApiVersions answers are
/// rewritten the same way to cap each max version at what protocol/messages defines.
/// </remarks>
internal sealed class RecordingProxy : IAsyncDisposable
{
    private const int MaxFrameBytes = 64 * 1024 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly byte[] _advertised;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<FrameExchange> _exchanges = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private Task _acceptLoop = Task.CompletedTask;
    private long _sequence;
    private int _connectionCount;

    public RecordingProxy(string upstreamHost, int upstreamPort)
    {
        _upstreamHost = upstreamHost;
        _upstreamPort = upstreamPort;
        byte[] host = Encoding.UTF8.GetBytes(upstreamHost);
        _advertised = new byte[host.Length + 4];
        host.CopyTo(_advertised, 0);
        BinaryPrimitives.WriteInt32BigEndian(_advertised.AsSpan(host.Length), upstreamPort);
    }

    public int Port { get; private set; }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    /// <summary>Every request seen so far, in arrival order.</summary>
    public IReadOnlyList<FrameExchange> Exchanges => [.. _exchanges.OrderBy(e => e.Sequence)];

    public bool HasSeen(short apiKey) => _exchanges.Any(e => e.ApiKey == apiKey && e.Response is not null);

    public void Start()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException) when (ct.IsCancellationRequested)
            {
                return;
            }
            int id = Interlocked.Increment(ref _connectionCount);
            _connections.Add(RunConnectionAsync(client, id, ct));
        }
    }

    private async Task RunConnectionAsync(TcpClient client, int connectionId, CancellationToken ct)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                client.NoDelay = true;
                upstream.NoDelay = true;
                await upstream.ConnectAsync(_upstreamHost, _upstreamPort, ct);
                var pending = new ConcurrentDictionary<int, FrameExchange>();
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
                NetworkStream fromClient = client.GetStream();
                NetworkStream toMock = upstream.GetStream();
                Task requests = PumpRequestsAsync(fromClient, toMock, connectionId, pending, linked.Token);
                Task responses = PumpResponsesAsync(toMock, fromClient, pending, linked.Token);
                await Task.WhenAny(requests, responses);
                await linked.CancelAsync();
                await Task.WhenAll(Quietly(requests), Quietly(responses));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // A client or the mock hung up; whatever was exchanged is already recorded.
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException
            or ObjectDisposedException)
        {
            // Connection teardown.
        }
        catch (InvalidDataException ex)
        {
            Log.Warning($"proxy closed a connection on a frame it could not read: {ex.Message}");
        }
    }

    private async Task PumpRequestsAsync(Stream from, Stream to, int connectionId,
        ConcurrentDictionary<int, FrameExchange> pending, CancellationToken ct)
    {
        while (await ReadFrameAsync(from, ct) is { } frame)
        {
            var exchange = new FrameExchange(Interlocked.Increment(ref _sequence), connectionId, frame);
            _exchanges.Enqueue(exchange);
            pending[exchange.CorrelationId] = exchange;   // before forwarding, so the answer always finds it
            await WriteFrameAsync(to, frame, ct);
        }
    }

    private async Task PumpResponsesAsync(Stream from, Stream to,
        ConcurrentDictionary<int, FrameExchange> pending, CancellationToken ct)
    {
        while (await ReadFrameAsync(from, ct) is { } frame)
        {
            int correlationId = frame.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(frame) : -1;
            byte[] forwarded = RewriteAdvertisedPort(frame);
            if (pending.TryRemove(correlationId, out FrameExchange? exchange))
            {
                exchange.Response = frame;
                if (!ReferenceEquals(forwarded, frame))
                {
                    exchange.ResponseRewrite = "the advertised port";
                }
                if (exchange.ApiKey == ApiCatalog.ApiVersions)
                {
                    byte[] clamped = ClampApiVersions(forwarded, exchange.ApiVersion);
                    if (!ReferenceEquals(clamped, forwarded))
                    {
                        exchange.ResponseRewrite = "max versions above the definitions'";
                        forwarded = clamped;
                    }
                }
            }
            else
            {
                Log.Warning($"a response with unknown correlation id {correlationId} passed through");
            }
            await WriteFrameAsync(to, forwarded, ct);
        }
    }

    /// <summary>Returns the frame itself when nothing matched, or a copy with every advertised port replaced.</summary>
    private byte[] RewriteAdvertisedPort(byte[] frame)
    {
        byte[]? copy = null;
        int start = 0;
        while (start < frame.Length)
        {
            int at = frame.AsSpan(start).IndexOf(_advertised);
            if (at < 0)
            {
                break;
            }
            copy ??= (byte[])frame.Clone();
            int portOffset = start + at + _advertised.Length - 4;
            BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(portOffset), Port);
            start = portOffset + 4;
        }
        return copy ?? frame;
    }

    /// <summary>
    /// Lowers each max version in an ApiVersions response to the highest version the definitions describe, so the
    /// clients speak versions Samsa's codec knows (the mock may list newer ones). Returns the frame itself when
    /// nothing changed. Error answers pass unchanged.
    /// </summary>
    private static byte[] ClampApiVersions(byte[] frame, short version)
    {
        var cursor = new WireCursor(frame);
        cursor.SkipResponseHeader(0);
        if (cursor.Int16() != 0)
        {
            return frame;
        }
        bool flexible = ApiCatalog.IsFlexible(ApiCatalog.ApiVersions, version);
        int count = cursor.ArrayLength(flexible);
        byte[]? copy = null;
        for (int i = 0; i < count; i++)
        {
            short key = cursor.Int16();
            short min = cursor.Int16();
            int maxOffset = cursor.Position;
            short max = cursor.Int16();
            short known = ApiCatalog.MaxVersion(key);
            if (max > known && known >= min)
            {
                copy ??= (byte[])frame.Clone();
                BinaryPrimitives.WriteInt16BigEndian(copy.AsSpan(maxOffset), known);
            }
            if (flexible)
            {
                cursor.SkipTaggedFields();
            }
        }
        return copy ?? frame;
    }

    private static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken ct)
    {
        byte[] sizeBytes = new byte[4];
        int read = await stream.ReadAtLeastAsync(sizeBytes, 4, throwOnEndOfStream: false, ct);
        if (read < 4)
        {
            return null;
        }
        int size = BinaryPrimitives.ReadInt32BigEndian(sizeBytes);
        if (size < 4 || size > MaxFrameBytes)
        {
            throw new InvalidDataException($"implausible frame size {size}");
        }
        byte[] frame = new byte[size];
        await stream.ReadExactlyAsync(frame, ct);
        return frame;
    }

    private static async Task WriteFrameAsync(Stream stream, byte[] frame, CancellationToken ct)
    {
        byte[] buffer = new byte[4 + frame.Length];
        BinaryPrimitives.WriteInt32BigEndian(buffer, frame.Length);
        frame.CopyTo(buffer, 4);
        await stream.WriteAsync(buffer, ct);
        await stream.FlushAsync(ct);
    }

    /// <summary>Stops accepting, closes every connection and waits (bounded) for the pumps to end.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await Task.WhenAll([Quietly(_acceptLoop), .. _connections.Select(Quietly)]).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Log.Warning("proxy connections did not close in time");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync(TimeSpan.FromSeconds(5));
        }
        _stop.Dispose();
    }
}
