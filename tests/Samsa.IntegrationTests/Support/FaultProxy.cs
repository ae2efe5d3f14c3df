using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Samsa.Protocol;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.IntegrationTests.Support;

/// <summary>
/// A TCP proxy on a loopback port the OS chose, between Kafka clients and one broker, that drops connections and
/// delays responses at random (from a seed), so clients time out and retry. Requests pass through untouched; a
/// response chunk may be held back for <see cref="MaxDelay"/> or the connection cut instead of forwarding it, so
/// the broker has done the work but the client never hears of it. The broker must advertise the proxy's address
/// (<c>advertised.listeners</c>) so that every connection, metadata-discovered ones included, comes through here.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Random _random;
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile IPEndPoint? _target;
    private int _connections;
    private int _drops;
    private int _delays;
    private readonly Dictionary<(string Topic, int Partition, long ProducerId, short Epoch, int Sequence), int>
        _sent = [];
    private int _batchesSent;

    public FaultProxy(int seed)
    {
        Seed = seed;
        _random = new Random(seed);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Seed { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The broker's address; connections made while it is null are refused.</summary>
    public IPEndPoint? Target
    {
        get => _target;
        set => _target = value;
    }

    /// <summary>Chance that a response chunk cuts the connection instead of being forwarded.</summary>
    public double DropProbability { get; set; }

    /// <summary>Chance that a response chunk is held back before being forwarded.</summary>
    public double DelayProbability { get; set; }

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Faults are injected only while this is true.</summary>
    public bool FaultsEnabled { get; set; }

    public int Connections => Volatile.Read(ref _connections);

    public int Drops => Volatile.Read(ref _drops);

    public int Delays => Volatile.Read(ref _delays);

    /// <summary>Idempotent produce batches the clients sent through the proxy, first sends and resends.</summary>
    public int BatchesSent
    {
        get
        {
            lock (_sent)
                return _batchesSent;
        }
    }

    /// <summary>Sends of a batch (partition, producer id, epoch, base sequence) that had been sent before:
    /// retries.</summary>
    public int BatchesResent
    {
        get
        {
            lock (_sent)
                return _batchesSent - _sent.Count;
        }
    }

    public static IPEndPoint Parse(string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        return new IPEndPoint(IPAddress.Parse(hostPort[..colon]), int.Parse(hostPort[(colon + 1)..]));
    }

    /// <summary>Cuts every open connection (as a dead broker would).</summary>
    public void DropAll()
    {
        lock (_lock)
        {
            foreach (TcpClient client in _open) client.Dispose();
            _open.Clear();
        }
    }

    public override string ToString() =>
        $"proxy seed {Seed}: {Connections} connections, {Drops} dropped, {Delays} responses delayed, " +
        $"{BatchesSent} idempotent batches sent of which {BatchesResent} were resends";

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        Interlocked.Increment(ref _connections);
        var broker = new TcpClient { NoDelay = true };
        client.NoDelay = true;
        Track(client, broker);
        try
        {
            IPEndPoint target = _target ?? throw new SocketException((int)SocketError.ConnectionRefused);
            await broker.ConnectAsync(target, _stop.Token);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            Task requests = PumpAsync(client.GetStream(), broker.GetStream(), faults: false, both.Token);
            Task responses = PumpAsync(broker.GetStream(), client.GetStream(), faults: true, both.Token);
            await Task.WhenAny(requests, responses);
            await both.CancelAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException
            or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            client.Dispose();
            broker.Dispose();
            lock (_lock)
            {
                _open.Remove(client);
                _open.Remove(broker);
            }
        }
    }

    private void Track(TcpClient client, TcpClient broker)
    {
        lock (_lock)
        {
            _open.Add(client);
            _open.Add(broker);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool faults, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[64 * 1024];
        var requests = new List<byte>();
        try
        {
            while (true)
            {
                int read = await from.ReadAsync(buffer, cancellationToken);
                if (read == 0) return;
                if (!faults) ObserveRequests(requests, buffer.AsSpan(0, read));
                if (faults && FaultsEnabled)
                {
                    double roll;
                    int delayMs;
                    lock (_lock)
                    {
                        roll = _random.NextDouble();
                        delayMs = _random.Next(1, (int)MaxDelay.TotalMilliseconds + 1);
                    }
                    if (roll < DropProbability)
                    {
                        Interlocked.Increment(ref _drops);
                        return;
                    }
                    if (roll < DropProbability + DelayProbability)
                    {
                        Interlocked.Increment(ref _delays);
                        await Task.Delay(delayMs, cancellationToken);
                    }
                }
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException
            or ObjectDisposedException)
        {
        }
    }

    /// <summary>Frames the client's bytes into requests and counts the idempotent batches of each Produce.</summary>
    private void ObserveRequests(List<byte> pending, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) pending.Add(b);
        while (pending.Count >= 4)
        {
            byte[] sizeBytes = [pending[0], pending[1], pending[2], pending[3]];
            int size = BinaryPrimitives.ReadInt32BigEndian(sizeBytes);
            if (pending.Count < 4 + size) return;
            byte[] frame = pending.GetRange(4, size).ToArray();
            pending.RemoveRange(0, 4 + size);
            CountProduce(frame);
        }
    }

    private void CountProduce(byte[] frame)
    {
        var apiKey = (ApiKey)BinaryPrimitives.ReadInt16BigEndian(frame);
        if (apiKey != ApiKey.Produce) return;
        short version = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(2));
        var reader = new KafkaReader(frame);
        RequestHeader.Read(ref reader, HeaderVersions.Request(apiKey, version));
        ProduceRequest request = ProduceRequest.Read(ref reader, version);
        lock (_sent)
        {
            foreach (ProduceRequest.TopicProduceData topic in request.TopicData)
            {
                foreach (ProduceRequest.PartitionProduceData data in topic.PartitionData)
                {
                    if (data.Records is not { } records ||
                        !RecordBatchHeader.TryRead(records, out RecordBatchHeader header) || !header.HasProducerId)
                    {
                        continue;
                    }
                    var key = (topic.Name, data.Index, header.ProducerId, header.ProducerEpoch, header.BaseSequence);
                    _sent[key] = _sent.GetValueOrDefault(key) + 1;
                    _batchesSent++;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _listener.Dispose();
        _stop.Dispose();
    }
}
