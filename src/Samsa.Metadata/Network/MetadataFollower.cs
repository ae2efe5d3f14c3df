using System.Buffers;
using Microsoft.Extensions.Logging;
using Samsa.Metadata.Configs;
using Samsa.Metadata.Log;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Metadata.Network;

// One loop: Fetch the metadata partition from the voter that last answered, from the offset after the last batch
// applied, long-polling; apply each whole batch to the listener in order; when the answer is a snapshot id, read the
// snapshot with FetchSnapshot and load it, then fetch on from its end. Nothing is kept on disk: a broker that starts
// follows the log again from the controller (a snapshot when the log is long). The connection is its own, apart from
// the heartbeats', because a long poll would hold the heartbeat answers queued behind it. A voter that cannot be
// reached or that does not lead passes the loop on to the next; an outage is logged once when it starts and once
// when it ends. A batch the listener cannot apply stops the loop for good (Failure): the image would be wrong.
/// <summary>
/// Follows the metadata log from the controller quorum over the wire, as a KRaft observer does, and applies it to an
/// <see cref="IMetadataLogListener"/> (the broker's <see cref="MetadataLoader"/>).
/// </summary>
/// <remarks>Thread-safe to read; <see cref="Start"/> once, then <see cref="DisposeAsync"/> stops it.</remarks>
public sealed partial class MetadataFollower : IAsyncDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(500);
    private const int MaxBytes = 8 * 1024 * 1024;

    private readonly int _nodeId;
    private readonly IReadOnlyList<QuorumVoter> _voters;
    private readonly NodeClient[] _clients;
    private readonly IMetadataLogListener _listener;
    private readonly KafkaClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private int _current;
    private long _nextOffset;
    private int _lastEpoch = -1;
    private long _highWatermark = -1;
    private short _refused;      // the error the last refusal was logged with, so a lasting one is logged once
    private bool? _reachable;   // null until the first attempt: both the first success and the first failure log

    /// <param name="nodeId">This broker's id, sent as the fetch's replica id.</param>
    /// <param name="voters">The controller quorum.</param>
    /// <param name="listener">Where batches and snapshots go, in order, from the loop's thread.</param>
    /// <param name="options">Timeouts and backoff of the connections.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where outages and failures go.</param>
    public MetadataFollower(int nodeId, IReadOnlyList<QuorumVoter> voters, IMetadataLogListener listener,
        KafkaClientOptions options, TimeProvider time, ILogger logger)
    {
        if (voters.Count == 0) throw new ArgumentException("the quorum needs at least one voter", nameof(voters));
        _nodeId = nodeId;
        _voters = voters;
        _clients = [.. voters.Select(v => new NodeClient(v.Address.Host, v.Address.Port, options, time))];
        _listener = listener;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The offset the next fetch asks for: one past the last record applied.</summary>
    public long NextOffset => Volatile.Read(ref _nextOffset);

    /// <summary>The log's end as the controller last reported it; -1 before the first answer.</summary>
    public long HighWatermark => Volatile.Read(ref _highWatermark);

    /// <summary>Completes the first time every committed record has been applied; faults if the loop fails first.
    /// </summary>
    public Task CaughtUp => _caughtUp.Task;

    /// <summary>The error that stopped the loop, or null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Starts following from the start of the log.</summary>
    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            NodeClient client = _clients[_current];
            try
            {
                bool progressed = await FetchOnceAsync(client, stopping).ConfigureAwait(false);
                EndOutage(client);
                if (!progressed) await Task.Delay(_options.ReconnectBackoffMax, _time, stopping).ConfigureAwait(false);
            }
            catch (KafkaClientException e)
            {
                StartOutage(e.Message);
                _current = (_current + 1) % _clients.Length;
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;   // stopping: whatever the cancelled fetch threw
            }
            catch (Exception e) when (e is InvalidDataException or ProtocolException)
            {
                Failure = e;
                _caughtUp.TrySetException(e);
                Log.FollowerFailed(_logger, e, NextOffset);
                return;
            }
        }
    }

    /// <summary>One fetch and what it brought; false when the controller answered with an error to wait out.
    /// </summary>
    private async Task<bool> FetchOnceAsync(NodeClient client, CancellationToken stopping)
    {
        short version = await client.VersionForAsync<FetchRequest>(ApiKey.Fetch, stopping).ConfigureAwait(false);
        FetchResponse response = await client.SendAsync<FetchRequest, FetchResponse>(ApiKey.Fetch,
            Request(version), stopping).ConfigureAwait(false);
        FetchResponse.PartitionData? partition = response.Responses.FirstOrDefault()?.Partitions.FirstOrDefault();
        short error = response.ErrorCode != 0
            ? response.ErrorCode
            : partition?.ErrorCode ?? (short)ErrorCode.UnknownServerError;
        if (error != 0 || partition is null)
        {
            if (error is (short)ErrorCode.NotLeaderOrFollower or (short)ErrorCode.NotController)
                _current = (_current + 1) % _clients.Length;
            else if (_refused != error)
                Log.FetchRefused(_logger, client.Endpoint, (ErrorCode)error, NextOffset);
            _refused = error;
            return false;
        }
        _refused = 0;
        Volatile.Write(ref _highWatermark, partition.HighWatermark);
        if (partition.SnapshotId.EndOffset > 0)
        {
            await LoadSnapshotAsync(client, partition.SnapshotId.EndOffset, partition.SnapshotId.Epoch, stopping)
                .ConfigureAwait(false);
        }
        else if (partition.Records is { Length: > 0 } records)
        {
            foreach (MetadataBatch batch in MetadataWireFormat.ReadBatches(
                records.IsSingleSegment ? records.First : records.ToArray()))
            {
                if (batch.LastOffset < _nextOffset) continue;
                _listener.OnCommit(batch);
                _lastEpoch = batch.Epoch;
                Volatile.Write(ref _nextOffset, batch.LastOffset + 1);
            }
        }
        if (NextOffset >= partition.HighWatermark) _caughtUp.TrySetResult();
        return true;
    }

    private FetchRequest Request(short version)
    {
        var request = new FetchRequest
        {
            ReplicaId = version < 15 ? _nodeId : -1,
            MaxWaitMs = (int)MaxWait.TotalMilliseconds,
            MinBytes = 1,
            MaxBytes = MaxBytes,
        };
        request.ReplicaState.ReplicaId = _nodeId;
        request.Topics.Add(new FetchRequest.FetchTopic
        {
            Topic = MetadataWireFormat.TopicName,
            TopicId = MetadataWireFormat.TopicId,
            Partitions =
            [
                new FetchRequest.FetchPartition
                {
                    Partition = 0,
                    FetchOffset = NextOffset,
                    LastFetchedEpoch = _lastEpoch,
                    PartitionMaxBytes = MaxBytes,
                },
            ],
        });
        return request;
    }

    private async Task LoadSnapshotAsync(NodeClient client, long endOffset, int epoch, CancellationToken stopping)
    {
        using var bytes = new MemoryStream();
        long size = long.MaxValue;
        while (bytes.Length < size)
        {
            var request = new FetchSnapshotRequest { ReplicaId = _nodeId, MaxBytes = MaxBytes };
            request.Topics.Add(new FetchSnapshotRequest.TopicSnapshot
            {
                Name = MetadataWireFormat.TopicName,
                Partitions =
                [
                    new FetchSnapshotRequest.PartitionSnapshot
                    {
                        Partition = 0,
                        SnapshotId = new FetchSnapshotRequest.SnapshotId { EndOffset = endOffset, Epoch = epoch },
                        Position = bytes.Length,
                    },
                ],
            });
            FetchSnapshotResponse response = await client.SendAsync<FetchSnapshotRequest, FetchSnapshotResponse>(
                ApiKey.FetchSnapshot, request, stopping).ConfigureAwait(false);
            FetchSnapshotResponse.PartitionSnapshot? part =
                response.Topics.FirstOrDefault()?.Partitions.FirstOrDefault();
            if (response.ErrorCode != 0 || part is null || part.ErrorCode != 0 || part.Position != bytes.Length)
                return;   // the snapshot moved on: the next fetch names a newer one
            size = part.Size;
            if (part.UnalignedRecords is not { Length: > 0 } chunk) return;
            foreach (ReadOnlyMemory<byte> segment in chunk) bytes.Write(segment.Span);
        }
        List<IMetadataRecord> records =
            MetadataWireFormat.ReadSnapshot(bytes.GetBuffer().AsMemory(0, (int)bytes.Length));
        _listener.OnSnapshot(new MetadataSnapshot(endOffset - 1, epoch, records));
        _lastEpoch = epoch;
        Volatile.Write(ref _nextOffset, endOffset);
    }

    private void StartOutage(string why)
    {
        if (_reachable == false) return;
        _reachable = false;
        Log.ControllerUnreachable(_logger, string.Join(",", _voters), why);
    }

    private void EndOutage(NodeClient client)
    {
        if (_reachable == true) return;
        _reachable = true;
        Log.ControllerReached(_logger, client.Endpoint, NextOffset);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        foreach (NodeClient client in _clients) await client.DisposeAsync().ConfigureAwait(false);
        _caughtUp.TrySetCanceled();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(3301, LogLevel.Warning,
            "Waiting for the controller (controller.quorum.voters={Voters}): {Reason}; retrying")]
        public static partial void ControllerUnreachable(ILogger logger, string voters, string reason);

        [LoggerMessage(3302, LogLevel.Information,
            "Following the metadata log from the controller at {Endpoint}, from offset {Offset}")]
        public static partial void ControllerReached(ILogger logger, string endpoint, long offset);

        [LoggerMessage(3303, LogLevel.Warning,
            "The controller at {Endpoint} refused the metadata fetch from offset {Offset}: {Error}")]
        public static partial void FetchRefused(ILogger logger, string endpoint, ErrorCode error, long offset);

        [LoggerMessage(3304, LogLevel.Critical,
            "Stopped following the metadata log at offset {Offset}: a batch could not be applied; restart the node")]
        public static partial void FollowerFailed(ILogger logger, Exception exception, long offset);
    }
}
