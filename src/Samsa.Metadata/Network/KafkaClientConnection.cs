using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Samsa.Protocol;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Network;

/// <summary>
/// One TCP connection to a Kafka node with requests pipelined: each is written with the next correlation id and
/// waits, in order, for its response.
/// </summary>
/// <remarks>
/// Thread-safe. A sender takes the write lock, under which its request joins the in-flight queue and is written, so
/// the queue's order is the wire's. One read loop reads response frames, matches each to the head of the queue by
/// correlation id and completes it. Any failure (I/O, a malformed or unexpected frame, a request past its timeout)
/// closes the connection and fails every request in flight with <see cref="KafkaClientException"/>; the owner
/// (<see cref="NodeClient"/>) opens another.
/// </remarks>
public sealed class KafkaClientConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly KafkaClientOptions _options;
    private readonly TimeProvider _time;
    private readonly string _endpoint;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _output = new(256);   // guarded by _writeLock
    private readonly Queue<PendingRequest> _inFlight = new();      // guarded by itself
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _reading;
    private KafkaClientException? _failure;                        // set once, under _inFlight
    private int _nextCorrelationId;

    private KafkaClientConnection(Socket socket, string endpoint, KafkaClientOptions options, TimeProvider time)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _endpoint = endpoint;
        _options = options;
        _time = time;
        _reading = Task.Run(ReadLoopAsync);
    }

    /// <summary>True once the connection failed or was disposed: every later request fails at once.</summary>
    public bool IsClosed => Volatile.Read(ref _failure) is not null;

    /// <summary>Opens a TCP connection to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task<KafkaClientConnection> ConnectAsync(string host, int port, KafkaClientOptions options,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new KafkaClientConnection(socket, $"{host}:{port}", options, time);
    }

    /// <summary>
    /// Sends <paramref name="request"/> as <paramref name="apiKey"/> v<paramref name="version"/> and waits for its
    /// response, at most the request timeout (then the connection closes). Cancelling stops the wait only: the
    /// request is on the wire and its response, when it comes, is dropped.
    /// </summary>
    /// <exception cref="KafkaClientException">No response: the connection failed, closed or timed out.</exception>
    public async Task<TResponse> SendAsync<TResponse>(ApiKey apiKey, short version, IKafkaMessage request,
        CancellationToken cancellationToken)
        where TResponse : IKafkaMessage<TResponse>
    {
        var pending = new PendingRequest<TResponse>(apiKey, version);
        await WriteAsync(pending, request, cancellationToken).ConfigureAwait(false);
        try
        {
            return await pending.Response.WaitAsync(_options.RequestTimeout, _time, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var timedOut = new KafkaClientException(
                $"{apiKey} v{version} to {_endpoint} got no response within {_options.RequestTimeout.TotalSeconds} s");
            Close(timedOut);
            throw timedOut;
        }
    }

    private async Task WriteAsync(PendingRequest pending, IKafkaMessage request, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            pending.CorrelationId = _nextCorrelationId++;
            Encode(pending, request);
            lock (_inFlight)
            {
                if (_failure is { } failure) throw Closed(failure);
                _inFlight.Enqueue(pending);
            }
            // Not the caller's token: a write cut short would leave half a frame on the wire.
            await _stream.WriteAsync(_output.WrittenMemory, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            KafkaClientException failure = Failure(e);
            Close(failure);
            throw Closed(failure);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Encode(PendingRequest pending, IKafkaMessage request)
    {
        var header = new RequestHeader
        {
            RequestApiKey = (short)pending.ApiKey,
            RequestApiVersion = pending.Version,
            CorrelationId = pending.CorrelationId,
            ClientId = _options.ClientId,
        };
        short headerVersion = HeaderVersions.Request(pending.ApiKey, pending.Version);
        _output.ResetWrittenCount();
        var writer = new KafkaWriter(_output);
        writer.WriteInt32(header.GetSize(headerVersion) + request.GetSize(pending.Version));
        header.Write(ref writer, headerVersion);
        request.Write(ref writer, pending.Version);
        writer.Flush();
    }

    private async Task ReadLoopAsync()
    {
        byte[] prefix = new byte[4];
        try
        {
            while (true)
            {
                int read = await _stream.ReadAtLeastAsync(prefix, 4, throwOnEndOfStream: false, _closing.Token)
                    .ConfigureAwait(false);
                if (read < 4) throw new KafkaClientException($"{_endpoint} closed the connection");
                int size = BinaryPrimitives.ReadInt32BigEndian(prefix);
                if ((uint)size > (uint)_options.MaxResponseBytes)
                {
                    throw new KafkaClientException(
                        $"{_endpoint} sent a response frame of {size} bytes (at most {_options.MaxResponseBytes})");
                }
                // A frame of its own, never pooled: a decoded response keeps slices of it (the records of a Fetch,
                // a snapshot's bytes), read on the caller's thread after this loop has moved on.
                byte[] frame = new byte[size];
                await _stream.ReadExactlyAsync(frame, _closing.Token).ConfigureAwait(false);
                Complete(frame);
            }
        }
        catch (Exception e)
        {
            Close(Failure(e));
        }
    }

    private void Complete(ReadOnlyMemory<byte> frame)
    {
        PendingRequest? pending;
        lock (_inFlight) pending = _inFlight.Count > 0 ? _inFlight.Dequeue() : null;
        if (pending is null) throw new KafkaClientException($"{_endpoint} sent a response to no request");
        var reader = new KafkaReader(frame);
        ResponseHeader header = ResponseHeader.Read(ref reader,
            HeaderVersions.Response(pending.ApiKey, pending.Version));
        if (header.CorrelationId != pending.CorrelationId)
        {
            var mismatch = new KafkaClientException($"{_endpoint} answered correlation id {header.CorrelationId} " +
                $"where {pending.CorrelationId} ({pending.ApiKey}) was next");
            pending.Fail(mismatch);
            throw mismatch;
        }
        try
        {
            pending.Complete(ref reader);
        }
        catch (ProtocolException e)
        {
            var malformed = new KafkaClientException(
                $"{_endpoint} sent a malformed {pending.ApiKey} v{pending.Version} response: {e.Message}", e);
            pending.Fail(malformed);
            throw malformed;
        }
    }

    /// <summary>Closes the connection once, failing every request in flight with <paramref name="reason"/>.</summary>
    private void Close(KafkaClientException reason)
    {
        PendingRequest[] failed;
        lock (_inFlight)
        {
            if (_failure is not null) return;
            Volatile.Write(ref _failure, reason);
            failed = [.. _inFlight];
            _inFlight.Clear();
        }
        _closing.Cancel();
        _socket.Dispose();
        foreach (PendingRequest pending in failed) pending.Fail(Closed(reason));
    }

    private KafkaClientException Failure(Exception e) => e switch
    {
        KafkaClientException known => known,
        OperationCanceledException when _closing.IsCancellationRequested =>
            Volatile.Read(ref _failure) ?? new KafkaClientException($"the connection to {_endpoint} was closed"),
        _ => new KafkaClientException($"the connection to {_endpoint} failed: {e.Message}", e),
    };

    private static KafkaClientException Closed(KafkaClientException reason) =>
        new(reason.Message, reason) { IsUnsupportedVersion = reason.IsUnsupportedVersion };

    public async ValueTask DisposeAsync()
    {
        Close(new KafkaClientException($"the connection to {_endpoint} was closed by its owner"));
        await _reading.ConfigureAwait(false);
        // The write lock and the closing token stay undisposed: a sender may still be waiting on them, and finds
        // the connection closed.
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private abstract class PendingRequest(ApiKey apiKey, short version)
    {
        public ApiKey ApiKey { get; } = apiKey;

        public short Version { get; } = version;

        public int CorrelationId { get; set; }

        public abstract void Complete(ref KafkaReader body);

        public abstract void Fail(KafkaClientException failure);

        /// <summary>
        /// The version the body is laid out in: the request's, except that a node which does not serve the requested
        /// ApiVersions version answers UNSUPPORTED_VERSION in v0 (with the versions it serves), as Kafka does.
        /// </summary>
        protected short BodyVersion(ref KafkaReader body)
        {
            if (ApiKey != ApiKey.ApiVersions || body.UnreadSequence.Length < 2) return Version;
            Span<byte> error = stackalloc byte[2];
            body.UnreadSequence.Slice(0, 2).CopyTo(error);
            bool unsupported = BinaryPrimitives.ReadInt16BigEndian(error) == (short)ErrorCode.UnsupportedVersion;
            return unsupported ? (short)0 : Version;
        }
    }

    private sealed class PendingRequest<TResponse>(ApiKey apiKey, short version) : PendingRequest(apiKey, version)
        where TResponse : IKafkaMessage<TResponse>
    {
        private readonly TaskCompletionSource<TResponse> _response =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<TResponse> Response => _response.Task;

        public override void Complete(ref KafkaReader body) =>
            _response.TrySetResult(TResponse.Read(ref body, BodyVersion(ref body)));

        public override void Fail(KafkaClientException failure) => _response.TrySetException(failure);
    }
}
