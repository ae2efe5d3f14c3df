using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Network;

// One Kafka client connection. The read loop owns the input pipe: it cuts frames, decodes and starts each request
// in order, and queues its pending response; the write loop owns the output pipe and writes responses in request
// order as each completes, so a long-poll fetch delays the responses behind it but not the reading of later
// requests. A malformed frame, an unknown API key or a frame over socket.request.max.bytes closes the connection
// (logged at Debug). A client that closes its side is still served every whole request it sent before closing, as
// Kafka does: an acks=0 producer closes right after its last send and expects every batch written. Every queued
// response is disposed exactly once, written or not, so pooled buffers go back even when the client is gone or a
// write fails. On broker shutdown the read loop stops taking requests and the write loop finishes the responses
// already queued.
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
    private volatile CloseReason _closing;

    public KafkaConnection(ConnectionContext connection, RequestDispatcher dispatcher, ConnectionOptions options,
        ByteBudget budget, TimeProvider time, ILogger logger, string listenerName)
    {
        _connection = connection;
        _dispatcher = dispatcher;
        _options = options;
        _budget = budget;
        _time = time;
        _logger = logger;
        _responses = Channel.CreateBounded<PendingResponse>(
            new BoundedChannelOptions(options.MaxInFlightRequestsPerConnection)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
        _info = new ConnectionInfo(connection.ConnectionId, connection.RemoteEndPoint, listenerName);
        _lastActivity = time.GetTimestamp();
    }

    /// <summary>Serves the connection until the client closes it, it misbehaves or sits idle, or the broker
    /// stops.</summary>
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
        await writing.ConfigureAwait(false);
        await _connection.Transport.Input.CompleteAsync().ConfigureAwait(false);
        await _connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
        Log.Closed(_logger, _info.ConnectionId);
    }

    private async Task ReadRequestsAsync(CancellationToken shutdown)
    {
        // Not the transport's ConnectionClosed: it fires as soon as the client's FIN arrives, while whole requests the
        // client sent before it may still wait in the pipe. The pipe completes after them, and that ends the loop.
        PipeReader input = _connection.Transport.Input;
        using ITimer idleCheck = _time.CreateTimer(static state => ((KafkaConnection)state!).CheckIdle(), this,
            _options.Idle, _options.Idle);
        long held = 0;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(shutdown).ConfigureAwait(false);
                Volatile.Write(ref _lastActivity, _time.GetTimestamp());
                if (result.IsCanceled && _closing != CloseReason.None)
                {
                    if (_closing == CloseReason.Idle)
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
                            await _responses.Writer.WriteAsync(pending, shutdown).ConfigureAwait(false);
                    }
                    if (held == 0 && LargeFrameSize(buffer) is int needed)
                    {
                        // A large frame's body is still arriving: hold its size of the broker-wide budget until it
                        // is decoded, so many clients sending large requests at once queue instead of all buffering.
                        await _budget.AcquireAsync(needed, shutdown).ConfigureAwait(false);
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
        StopReading(CloseReason.Idle);
    }

    /// <summary>Closes the transport at once; the read loop stops even on a transport that completes no pipe.</summary>
    private void Abort(ConnectionAbortedException reason)
    {
        _connection.Abort(reason);
        StopReading(CloseReason.Aborted);
    }

    private void StopReading(CloseReason reason)
    {
        _closing = reason;
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

    // Writes each response in request order once its body is ready. After the output fails or the client has gone,
    // the loop goes on taking responses without writing them, so every body is disposed (its pooled buffers returned)
    // and the read loop never waits on a full queue that nobody drains.
    private async Task WriteResponsesAsync()
    {
        PipeWriter output = _connection.Transport.Output;
        ChannelReader<PendingResponse> queue = _responses.Reader;
        bool writing = true;
        while (await queue.WaitToReadAsync().ConfigureAwait(false))
        {
            while (queue.TryRead(out PendingResponse pending))
            {
                IKafkaMessage? body = await BodyOfAsync(pending).ConfigureAwait(false);
                Interlocked.Decrement(ref _inFlight);
                if (!writing || body is null)
                {
                    (body as IDisposable)?.Dispose();
                }
                else if (ReferenceEquals(body, CloseConnection.Instance))
                {
                    writing = false;
                    await CloseAfterAsync(output).ConfigureAwait(false);
                }
                else
                {
                    writing = TryWriteFrame(output, pending, body);
                }
                // Also after a response that wrote nothing (acks=0): what earlier ones wrote must not wait for the
                // client's next request.
                if (writing && output.UnflushedBytes > 0 && (queue.Count == 0 || output.UnflushedBytes > 256 * 1024))
                    writing = await TryFlushAsync(output).ConfigureAwait(false);
            }
        }
        if (writing) await TryFlushAsync(output).ConfigureAwait(false);
    }

    /// <summary>The response's body; null when the handler failed after it started, which closes the
    /// connection.</summary>
    private async ValueTask<IKafkaMessage?> BodyOfAsync(PendingResponse pending)
    {
        if (pending.Body.IsCompletedSuccessfully) return pending.Body.Result;
        try
        {
            return await pending.Body.ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            Abort(new ConnectionAbortedException("the broker is stopping", e));
            return null;
        }
        catch (Exception e)
        {
            // A response that never comes leaves the client waiting forever: close the connection so it sees the
            // failure and retries elsewhere. Later responses are still awaited, to dispose them.
            Log.ResponseFailed(_logger, e, _info.ConnectionId);
            Abort(new ConnectionAbortedException("a response could not be produced", e));
            return null;
        }
    }

    private bool TryWriteFrame(PipeWriter output, in PendingResponse pending, IKafkaMessage body)
    {
        try
        {
            WriteFrame(output, pending, body);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.ResponseFailed(_logger, e, _info.ConnectionId);
            Abort(new ConnectionAbortedException("a response could not be written", e));
            return false;
        }
        finally
        {
            (body as IDisposable)?.Dispose();   // pooled record buffers go back once copied into the pipe
        }
    }

    /// <summary>Flushes; false once the client has gone or the transport failed (nothing more is written).</summary>
    private async ValueTask<bool> TryFlushAsync(PipeWriter output)
    {
        try
        {
            FlushResult flushed = await output.FlushAsync().ConfigureAwait(false);
            return !flushed.IsCompleted && !flushed.IsCanceled;
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or OperationCanceledException
                                      or InvalidOperationException)
        {
            Log.WriteFailed(_logger, _info.ConnectionId, e.Message);
            return false;
        }
    }

    // A handler asked to close the connection (an acks=0 produce that failed, as Kafka does so the producer notices):
    // what was written before goes out, then the output completes, which closes the socket, and reading stops.
    private async ValueTask CloseAfterAsync(PipeWriter output)
    {
        Log.ClosedByHandler(_logger, _info.ConnectionId);
        await TryFlushAsync(output).ConfigureAwait(false);
        await output.CompleteAsync().ConfigureAwait(false);
        StopReading(CloseReason.Requested);
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

        [LoggerMessage(4016, LogLevel.Error,
            "A response on connection {ConnectionId} could not be written; closing it")]
        public static partial void ResponseFailed(ILogger logger, Exception exception, string connectionId);

        [LoggerMessage(4015, LogLevel.Debug, "Connection {ConnectionId} write failed: {Reason}")]
        public static partial void WriteFailed(ILogger logger, string connectionId, string reason);

        [LoggerMessage(4017, LogLevel.Debug, "Closing connection {ConnectionId}: an acks=0 produce failed")]
        public static partial void ClosedByHandler(ILogger logger, string connectionId);
    }

    private enum CloseReason
    {
        None,
        Idle,
        Requested,
        Aborted,
    }
}
