using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Network;

// One Kafka client connection. The read loop owns the input pipe: it cuts frames, decodes and starts each request
// in order, and queues its pending response; the write loop owns the output pipe and writes responses in request
// order as each completes, so a long-poll fetch delays the responses behind it but not the reading of later
// requests. A malformed frame, an unknown API key or a frame over socket.request.max.bytes closes the connection
// (logged at Debug). On broker shutdown the read loop stops taking requests and the write loop finishes the
// responses already queued.
internal sealed partial class KafkaConnection
{
    private readonly ConnectionContext _connection;
    private readonly RequestDispatcher _dispatcher;
    private readonly ConnectionOptions _options;
    private readonly ByteBudget _budget;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<PendingResponse> _responses;
    private readonly ResponseHeader _header = new();
    private readonly ConnectionInfo _info;
    private int _inFlight;
    private long _lastActivity;
    private volatile bool _idleClosed;

    public KafkaConnection(ConnectionContext connection, RequestDispatcher dispatcher, ConnectionOptions options,
        ByteBudget budget, TimeProvider time, ILogger logger, string listenerName)
    {
        _connection = connection;
        _dispatcher = dispatcher;
        _options = options;
        _budget = budget;
        _time = time;
        _logger = logger;
        _responses = Channel.CreateBounded<PendingResponse>(new BoundedChannelOptions(options.MaxInFlightRequestsPerConnection)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _info = new ConnectionInfo(connection.ConnectionId, connection.RemoteEndPoint, listenerName);
        _lastActivity = time.GetTimestamp();
    }

    /// <summary>Serves the connection until the client closes it, it misbehaves or sits idle, or the broker stops.</summary>
    public async Task RunAsync(CancellationToken shutdown)
    {
        Log.Connected(_logger, _info.ConnectionId, _info.RemoteEndPoint?.ToString() ?? "?");
        Task writing = WriteResponsesAsync();
        try
        {
            await ReadRequestsAsync(shutdown).ConfigureAwait(false);
        }
        catch (ProtocolException e)
        {
            Log.Malformed(_logger, _info.ConnectionId, e.Message);
        }
        catch (OperationCanceledException)
        {
        }
        catch (ConnectionResetException)
        {
        }
        catch (IOException e)
        {
            Log.ReadFailed(_logger, _info.ConnectionId, e.Message);
        }
        finally
        {
            _responses.Writer.TryComplete();
        }
        try
        {
            await writing.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or OperationCanceledException or InvalidOperationException)
        {
            Log.WriteFailed(_logger, _info.ConnectionId, e.Message);
        }
        await _connection.Transport.Input.CompleteAsync().ConfigureAwait(false);
        await _connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
        Log.Closed(_logger, _info.ConnectionId);
    }

    private async Task ReadRequestsAsync(CancellationToken shutdown)
    {
        PipeReader input = _connection.Transport.Input;
        using CancellationTokenSource stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown, _connection.ConnectionClosed);
        using ITimer idleCheck = _time.CreateTimer(static state => ((KafkaConnection)state!).CheckIdle(), this,
            _options.Idle, _options.Idle);
        long held = 0;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(stop.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastActivity, _time.GetTimestamp());
                if (result.IsCanceled && _idleClosed)
                {
                    Log.IdleClosed(_logger, _info.ConnectionId, (long)_options.Idle.TotalMilliseconds);
                    return;
                }
                ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    while (FrameReader.TryRead(ref buffer, _options.MaxRequestBytes, out ReadOnlySequence<byte> frame))
                    {
                        PendingResponse pending = _dispatcher.Dispatch(frame, _info, shutdown);
                        if (held > 0)
                        {
                            _budget.Release(held);
                            held = 0;
                        }
                        Interlocked.Increment(ref _inFlight);
                        if (!_responses.Writer.TryWrite(pending))
                            await _responses.Writer.WriteAsync(pending, stop.Token).ConfigureAwait(false);
                    }
                    if (held == 0 && LargeFrameSize(buffer) is int needed)
                    {
                        // A large frame's body is still arriving: hold its size of the broker-wide budget until it
                        // is decoded, so many clients sending large requests at once queue instead of all buffering.
                        await _budget.AcquireAsync(needed, stop.Token).ConfigureAwait(false);
                        held = needed;
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted) return;
            }
        }
        finally
        {
            if (held > 0) _budget.Release(held);
        }
    }

    // Closes a connection that sent nothing for connections.max.idle.ms and has nothing in flight.
    private void CheckIdle()
    {
        if (Volatile.Read(ref _inFlight) > 0) return;
        if (_time.GetElapsedTime(Volatile.Read(ref _lastActivity)) < _options.Idle) return;
        _idleClosed = true;
        _connection.Transport.Input.CancelPendingRead();
    }

    /// <summary>The size of a frame over 64 KiB whose prefix has arrived but whose body has not.</summary>
    private static int? LargeFrameSize(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 4) return null;
        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        int size = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(prefix);
        return size > 64 * 1024 ? size : null;
    }

    private async Task WriteResponsesAsync()
    {
        try
        {
            await WriteQueuedResponsesAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A response that cannot be written leaves the client waiting forever: close the connection now, so the
            // read loop stops too and the client sees the failure.
            Log.ResponseFailed(_logger, e, _info.ConnectionId);
            _connection.Abort(new ConnectionAbortedException("a response could not be written", e));
            throw;
        }
    }

    private async Task WriteQueuedResponsesAsync()
    {
        PipeWriter output = _connection.Transport.Output;
        ChannelReader<PendingResponse> queue = _responses.Reader;
        while (await queue.WaitToReadAsync().ConfigureAwait(false))
        {
            while (queue.TryRead(out PendingResponse pending))
            {
                IKafkaMessage? body = pending.Body.IsCompletedSuccessfully
                    ? pending.Body.Result
                    : await pending.Body.ConfigureAwait(false);
                Interlocked.Decrement(ref _inFlight);
                if (body is not null)
                {
                    WriteFrame(output, pending, body);
                    (body as IDisposable)?.Dispose();   // pooled record buffers go back once copied into the pipe
                }
                if (queue.Count == 0 || output.UnflushedBytes > 256 * 1024)
                {
                    FlushResult flushed = await output.FlushAsync().ConfigureAwait(false);
                    if (flushed.IsCompleted) return;
                }
            }
        }
        await output.FlushAsync().ConfigureAwait(false);
    }

    private void WriteFrame(PipeWriter output, in PendingResponse pending, IKafkaMessage body)
    {
        _header.CorrelationId = pending.CorrelationId;
        int size = _header.GetSize(pending.HeaderVersion) + body.GetSize(pending.BodyVersion);
        var writer = new KafkaWriter(output);
        writer.WriteInt32(size);
        _header.Write(ref writer, pending.HeaderVersion);
        body.Write(ref writer, pending.BodyVersion);
        writer.Flush();
    }

    private static partial class Log
    {
        [LoggerMessage(4010, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint} opened")]
        public static partial void Connected(ILogger logger, string connectionId, string remoteEndPoint);

        [LoggerMessage(4011, LogLevel.Debug, "Connection {ConnectionId} closed")]
        public static partial void Closed(ILogger logger, string connectionId);

        [LoggerMessage(4012, LogLevel.Debug, "Closing connection {ConnectionId}: {Reason}")]
        public static partial void Malformed(ILogger logger, string connectionId, string reason);

        [LoggerMessage(4013, LogLevel.Debug, "Closing connection {ConnectionId}: idle for {IdleMs} ms")]
        public static partial void IdleClosed(ILogger logger, string connectionId, long idleMs);

        [LoggerMessage(4014, LogLevel.Debug, "Connection {ConnectionId} read failed: {Reason}")]
        public static partial void ReadFailed(ILogger logger, string connectionId, string reason);

        [LoggerMessage(4016, LogLevel.Error, "A response on connection {ConnectionId} could not be written; closing it")]
        public static partial void ResponseFailed(ILogger logger, Exception exception, string connectionId);

        [LoggerMessage(4015, LogLevel.Debug, "Connection {ConnectionId} write failed: {Reason}")]
        public static partial void WriteFailed(ILogger logger, string connectionId, string reason);
    }
}
