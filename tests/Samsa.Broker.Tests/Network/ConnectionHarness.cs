using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Samsa.Broker.Handlers;
using Samsa.Broker.Network;
using Samsa.Protocol;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Tests.Network;

/// <summary>A <see cref="KafkaConnection"/> over in-memory pipes: the test plays the client.</summary>
internal sealed class ConnectionHarness : IAsyncDisposable
{
    private readonly Pipe _toBroker;
    private readonly Pipe _fromBroker = new();
    private readonly BrokerLifetime _lifetime = new();
    private readonly CancellationTokenSource _transportClosed = new();

    /// <param name="readAheadBytes">Where the client's side pauses, as the broker's transport does.</param>
    public ConnectionHarness(IReadOnlyList<IApiHandler> handlers, ConnectionOptions? options = null,
        FakeTimeProvider? time = null, int readAheadBytes = TransportBlocks.ReadAheadBytes)
    {
        options ??= new ConnectionOptions();
        _toBroker = new Pipe(new PipeOptions(pauseWriterThreshold: readAheadBytes,
            resumeWriterThreshold: readAheadBytes / 2));
        Time = time ?? new FakeTimeProvider();
        var types = handlers.Select(h => h.GetType()).Append(typeof(ApiVersionsHandler)).ToList();
        var versions = new ApiVersionTable(types);
        var all = handlers.Append(new ApiVersionsHandler(versions)).ToList();
        var dispatcher = new RequestDispatcher(all, versions, NullLogger.Instance);
        var connection = new DefaultConnectionContext("test-1",
            new DuplexPipe(_toBroker.Reader, _fromBroker.Writer), new DuplexPipe(_fromBroker.Reader, _toBroker.Writer))
        {
            ConnectionClosed = _transportClosed.Token,
        };
        Running = new KafkaConnection(connection, dispatcher, options, new ByteBudget(-1), Time,
            NullLogger.Instance, "PLAINTEXT").RunAsync(_lifetime.Stopping);
    }

    public FakeTimeProvider Time { get; }

    public Task Running { get; }

    public PipeReader FromBroker => _fromBroker.Reader;

    public void StopBroker() => _lifetime.Stop();

    /// <summary>
    /// The client closes its side as Kestrel's socket transport reports it: the input completes after the bytes
    /// already sent, and the connection's ConnectionClosed token fires at once. With <paramref name="readsNoMore"/>
    /// the client also stops reading, so the broker's writes find the output completed.
    /// </summary>
    public async Task CloseFromClientAsync(bool readsNoMore = false)
    {
        await _toBroker.Writer.CompleteAsync();
        if (readsNoMore) await _fromBroker.Reader.CompleteAsync();
        await _transportClosed.CancelAsync();
    }

    /// <summary>Whether the broker has written anything not yet received, without consuming it.</summary>
    public bool HasUnreadBytes()
    {
        if (!_fromBroker.Reader.TryRead(out ReadResult result)) return false;
        bool any = !result.Buffer.IsEmpty;
        _fromBroker.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
        return any;
    }

    /// <summary>Sends bytes as the transport receives them: a block of at most 64 KiB at a time, each waiting while
    /// the connection is paused at its read-ahead.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        for (int at = 0; at < bytes.Length; at += TransportBlocks.BlockSize)
        {
            await _toBroker.Writer.WriteAsync(
                bytes.AsMemory(at, Math.Min(TransportBlocks.BlockSize, bytes.Length - at)));
        }
    }

    public Task SendAsync(IKafkaMessage body, ApiKey key, short version, int correlationId) =>
        SendRawAsync(Frame(body, key, version, correlationId));

    public static byte[] Frame(IKafkaMessage body, ApiKey key, short version, int correlationId)
    {
        var header = new RequestHeader
        {
            RequestApiKey = (short)key, RequestApiVersion = version, CorrelationId = correlationId, ClientId = "test",
        };
        short headerVersion = HeaderVersions.Request(key, version);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new KafkaWriter(buffer);
        writer.WriteInt32(header.GetSize(headerVersion) + body.GetSize(version));
        header.Write(ref writer, headerVersion);
        body.Write(ref writer, version);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one response frame: its correlation id and the body after a header of the given
    /// version.</summary>
    public async Task<(int CorrelationId, byte[] Body)> ReceiveAsync(short headerVersion, CancellationToken ct)
    {
        while (true)
        {
            ReadResult result = await _fromBroker.Reader.ReadAsync(ct);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= 4)
            {
                byte[] prefix = buffer.Slice(0, 4).ToArray();
                int size = BinaryPrimitives.ReadInt32BigEndian(prefix);
                if (buffer.Length >= 4 + size)
                {
                    byte[] frame = buffer.Slice(4, size).ToArray();
                    _fromBroker.Reader.AdvanceTo(buffer.GetPosition(4 + size));
                    var reader = new KafkaReader(new ReadOnlySequence<byte>(frame));
                    ResponseHeader header = ResponseHeader.Read(ref reader, headerVersion);
                    return (header.CorrelationId, frame[(int)reader.Consumed..]);
                }
            }
            if (result.IsCompleted) throw new EndOfStreamException("the broker closed the connection");
            _fromBroker.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>True when the broker closed its side without sending anything more.</summary>
    public async Task<bool> ClosedAsync(CancellationToken ct)
    {
        while (true)
        {
            ReadResult result = await _fromBroker.Reader.ReadAsync(ct);
            bool empty = result.Buffer.IsEmpty;
            _fromBroker.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.IsCompleted) return empty;
            if (!empty) return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _toBroker.Writer.CompleteAsync();
        await Running.WaitAsync(TimeSpan.FromSeconds(10));
        _lifetime.Dispose();
        _transportClosed.Dispose();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
