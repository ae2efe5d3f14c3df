using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Samsa.Protocol;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.IntegrationTests.Support;

/// <summary>
/// A plain TCP connection to a broker for sending exactly the bytes a test chooses, well-formed or not, and
/// reading back whole response frames or seeing the broker close. Every read has a deadline.
/// </summary>
internal sealed class RawKafkaConnection : IAsyncDisposable
{
    private readonly Socket _socket;

    private RawKafkaConnection(Socket socket) => _socket = socket;

    public static async Task<RawKafkaConnection> ConnectAsync(string bootstrapServers)
    {
        int colon = bootstrapServers.LastIndexOf(':');
        var endpoint = new IPEndPoint(IPAddress.Parse(bootstrapServers[..colon]),
            int.Parse(bootstrapServers[(colon + 1)..]));
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawKafkaConnection(socket);
    }

    /// <summary>Sends bytes; false when the broker has already closed the connection (reset or broken pipe).</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            while (!bytes.IsEmpty)
            {
                int sent = await _socket.SendAsync(bytes, SocketFlags.None, TestContext.Current.CancellationToken);
                bytes = bytes[sent..];
            }
            return true;
        }
        catch (SocketException e) when (IsClosedByPeer(e))
        {
            return false;
        }
    }

    /// <summary>Half-closes: the broker sees end of stream after what was sent.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>
    /// Reads the next response frame (without its size prefix); null when the broker closes the connection
    /// before a frame starts. Throws <see cref="TimeoutException"/> when neither happens within the deadline.
    /// </summary>
    public async Task<byte[]?> ReadFrameAsync(TimeSpan deadline)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(deadline);
        byte[] prefix = new byte[4];
        try
        {
            if (!await ReadExactlyAsync(prefix, allowEndAtStart: true, timeout.Token)) return null;
            int size = BinaryPrimitives.ReadInt32BigEndian(prefix);
            if (size < 0 || size > 64 * 1024 * 1024)
                throw new InvalidDataException($"the broker sent a response frame of {size} bytes");
            byte[] frame = new byte[size];
            await ReadExactlyAsync(frame, allowEndAtStart: false, timeout.Token);
            return frame;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested
            && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"the broker neither answered nor closed the connection within {deadline.TotalSeconds:F0} s");
        }
        catch (SocketException e) when (IsClosedByPeer(e))
        {
            return null;
        }
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, bool allowEndAtStart,
        CancellationToken cancellationToken)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await _socket.ReceiveAsync(buffer[read..], SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                if (read == 0 && allowEndAtStart) return false;
                throw new EndOfStreamException(
                    $"the broker closed the connection inside a response frame ({read} of {buffer.Length} bytes)");
            }
            read += n;
        }
        return true;
    }

    private static bool IsClosedByPeer(SocketException e) =>
        e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown;

    /// <summary>A whole request frame, size prefix included, in the header version its API and version call for.
    /// </summary>
    public static byte[] EncodeRequest(ApiKey apiKey, short apiVersion, int correlationId, IKafkaMessage body)
    {
        var output = new ArrayBufferWriter<byte>(body.GetSize(apiVersion));
        var writer = new KafkaWriter(output);
        body.Write(ref writer, apiVersion);
        writer.Flush();
        return EncodeRequest(apiKey, apiVersion, correlationId, output.WrittenSpan);
    }

    /// <summary>A request frame around body bytes the caller wrote, well-formed or not.</summary>
    public static byte[] EncodeRequest(ApiKey apiKey, short apiVersion, int correlationId, ReadOnlySpan<byte> body)
    {
        var header = new RequestHeader
        {
            RequestApiKey = (short)apiKey,
            RequestApiVersion = apiVersion,
            CorrelationId = correlationId,
            ClientId = "samsa-bad-input",
        };
        short headerVersion = HeaderVersions.Request(apiKey, apiVersion);
        int size = header.GetSize(headerVersion) + body.Length;
        var output = new ArrayBufferWriter<byte>(size + 4);
        var writer = new KafkaWriter(output);
        writer.WriteInt32(size);
        header.Write(ref writer, headerVersion);
        writer.WriteRaw(body);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a response frame: its correlation id and its body at <paramref name="apiVersion"/>.</summary>
    public static (int CorrelationId, T Body) DecodeResponse<T>(byte[] frame, ApiKey apiKey, short apiVersion)
        where T : IKafkaMessage<T>
    {
        var reader = new KafkaReader(frame);
        ResponseHeader header = ResponseHeader.Read(ref reader, HeaderVersions.Response(apiKey, apiVersion));
        T body = T.Read(ref reader, apiVersion);
        if (reader.Remaining != 0)
            throw new InvalidDataException(
                $"{reader.Remaining} bytes left after the {typeof(T).Name} v{apiVersion} body");
        return (header.CorrelationId, body);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
