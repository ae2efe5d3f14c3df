using System.Buffers;
using Microsoft.Extensions.Logging;
using Samsa.Metadata.Network;

namespace Samsa.Broker.Replication;

// One loop per leader broker, as Kafka's replica fetcher threads: a Fetch for every partition this broker follows
// there, from each log's end, with this broker's id and broker epoch as the replica (KIP-903), the leader epoch it
// believes current and the epoch of its last batch. Batches are appended as the leader wrote them (offsets, epochs,
// producer state), and the leader's log start offset is taken over, so records deleted on the leader stay deleted here.
// A partition the leader refuses (not its leader yet, an epoch one side has not applied yet) is left out for a backoff,
// or until the next image changes it; the connection's failures back off too. The partition set is swapped whole by the
// metadata thread.
/// <summary>Copies the partitions this broker follows from one leader broker.</summary>
internal sealed partial class ReplicaFetcher : IAsyncDisposable
{
    private readonly int _nodeId;
    private readonly NodeClient _client;
    private readonly ReplicaFetcherOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private volatile Followed _followed = new([], -1);
    private readonly Task _loop;

    public ReplicaFetcher(int nodeId, int leaderId, string host, int port, ReplicaFetcherOptions options,
        TimeProvider time, ILogger logger)
    {
        _nodeId = nodeId;
        LeaderId = leaderId;
        Endpoint = $"{host}:{port}";
        _client = new NodeClient(host, port, options.Client, time);
        _options = options;
        _time = time;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    public int LeaderId { get; }

    /// <summary>The leader's inter-broker endpoint this fetcher connects to.</summary>
    public string Endpoint { get; }

    /// <summary>Replaces the partitions followed and this broker's epoch; the next fetch uses them.</summary>
    public void Follow(IReadOnlyList<Partition> partitions, long brokerEpoch)
    {
        _followed = new Followed(partitions, brokerEpoch);
        if (_changed.CurrentCount == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                Followed followed = _followed;
                long now = _time.GetTimestamp();
                List<Partition> active = [.. followed.Partitions.Where(p => p.FollowerRetryAt <= now)];
                if (active.Count == 0)
                {
                    // Nothing to fetch until the set changes or a refused partition's backoff ends.
                    await _changed.WaitAsync(followed.Partitions.Count == 0 ? Timeout.InfiniteTimeSpan
                        : _options.Client.ReconnectBackoffMax, stopping).ConfigureAwait(false);
                    continue;
                }
                await FetchOnceAsync(active, followed.BrokerEpoch, stopping).ConfigureAwait(false);
            }
            catch (KafkaClientException e)
            {
                Log.LeaderUnreachable(_logger, LeaderId, Endpoint, e.Message);
                await Task.Delay(_options.Client.ReconnectBackoffMax, _time, stopping).ConfigureAwait(false);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task FetchOnceAsync(List<Partition> partitions, long brokerEpoch, CancellationToken stopping)
    {
        short version = await _client.VersionForAsync<FetchRequest>(ApiKey.Fetch, stopping).ConfigureAwait(false);
        FetchRequest request = Request(partitions, brokerEpoch, version);
        FetchResponse response = await _client.SendAsync<FetchRequest, FetchResponse>(ApiKey.Fetch, request,
            stopping).ConfigureAwait(false);
        if (response.ErrorCode != 0)
        {
            Log.FetchFailed(_logger, LeaderId, (ErrorCode)response.ErrorCode);
            await Task.Delay(_options.Client.ReconnectBackoffMax, _time, stopping).ConfigureAwait(false);
            return;
        }
        var byKey = partitions.ToDictionary(p => version >= 13
            ? (p.TopicId.ToString(), p.TopicPartition.Partition)
            : (p.TopicPartition.Topic, p.TopicPartition.Partition));
        foreach (FetchResponse.FetchableTopicResponse topic in response.Responses)
        {
            string key = version >= 13 ? topic.TopicId.ToString() : topic.Topic;
            foreach (FetchResponse.PartitionData data in topic.Partitions)
            {
                if (byKey.TryGetValue((key, data.PartitionIndex), out Partition? partition))
                    await ApplyAsync(partition, data).ConfigureAwait(false);
            }
        }
    }

    private FetchRequest Request(List<Partition> partitions, long brokerEpoch, short version)
    {
        var request = new FetchRequest
        {
            ReplicaId = version < 15 ? _nodeId : -1,
            MaxWaitMs = (int)_options.MaxWait.TotalMilliseconds,
            MinBytes = 1,
            MaxBytes = _options.ResponseMaxBytes,
        };
        request.ReplicaState.ReplicaId = _nodeId;
        request.ReplicaState.ReplicaEpoch = brokerEpoch;
        foreach (IGrouping<string, Partition> topic in partitions.GroupBy(p => p.TopicPartition.Topic))
        {
            request.Topics.Add(new FetchRequest.FetchTopic
            {
                Topic = topic.Key,
                TopicId = topic.First().TopicId,
                Partitions = [.. topic.Select(p => new FetchRequest.FetchPartition
                {
                    Partition = p.TopicPartition.Partition,
                    CurrentLeaderEpoch = p.State.LeaderEpoch,
                    FetchOffset = p.Log.LogEndOffset,
                    LastFetchedEpoch = p.Log.LatestEpoch,
                    LogStartOffset = p.Log.LogStartOffset,
                    PartitionMaxBytes = _options.PartitionMaxBytes,
                })],
            });
        }
        return request;
    }

    /// <summary>What one partition's answer brings: records to append, a divergence to cut, a log start to follow.
    /// </summary>
    private async Task ApplyAsync(Partition partition, FetchResponse.PartitionData data)
    {
        switch ((ErrorCode)data.ErrorCode)
        {
            case ErrorCode.None:
                break;
            case ErrorCode.NotLeaderOrFollower or ErrorCode.FencedLeaderEpoch or ErrorCode.UnknownLeaderEpoch
                or ErrorCode.UnknownTopicOrPartition or ErrorCode.UnknownTopicId:
                // The leader has not applied the image naming it yet, or this one is behind: try again shortly.
                partition.FollowerRetryAt = _time.GetTimestamp()
                    + (long)(_options.Client.ReconnectBackoffMax.TotalSeconds * _time.TimestampFrequency);
                return;
            default:
                Log.PartitionFetchFailed(_logger, partition.TopicPartition.Topic, partition.TopicPartition.Partition,
                    LeaderId, (ErrorCode)data.ErrorCode, partition.Log.LogEndOffset);
                return;
        }
        // The answer may come after this broker became the leader or moved to another one: its records are not
        // this replica's any more.
        PartitionState state = partition.State;
        if (state.IsLeader || state.Leader != LeaderId) return;
        if (data.DivergingEpoch.EndOffset >= 0)
        {
            Truncate(partition, data.DivergingEpoch);
            return;
        }
        if (data.Records is { Length: > 0 } records)
        {
            // The response's own frame holds the batches: append them from there, without a copy.
            ReadOnlyMemory<byte> batches = records.IsSingleSegment ? records.First : records.ToArray();
            AppendResult appended = await partition.Log.AppendAsFollowerAsync(batches).ConfigureAwait(false);
            if (appended.Status != AppendStatus.Ok)
            {
                Log.AppendFailed(_logger, LeaderId, partition.TopicPartition.Topic,
                    partition.TopicPartition.Partition, appended.Status, partition.Log.LogEndOffset);
                return;
            }
        }
        if (data.LogStartOffset > partition.Log.LogStartOffset && data.LogStartOffset <= partition.Log.LogEndOffset)
            partition.Log.DeleteRecordsBefore(data.LogStartOffset);
        partition.UpdateFollowerHighWatermark(data.HighWatermark);
    }

    private void Truncate(Partition partition, FetchResponse.EpochEndOffset diverging)
    {
        PartitionLog log = partition.Log;
        long before = log.LogEndOffset;
        long to = TruncationOffset(diverging.Epoch, diverging.EndOffset, log.EndOffsetForEpoch, before);
        if (log.TruncateTo(to) != LogStatus.Ok) return;
        partition.UpdateFollowerHighWatermark(partition.HighWatermark);
        Log.Truncated(_logger, partition.TopicPartition.Topic, partition.TopicPartition.Partition, before,
            log.LogEndOffset, diverging.Epoch, LeaderId);
    }

    /// <summary>
    /// Kafka's rule for a diverging epoch: where the leader's epoch <paramref name="epoch"/> ends
    /// (<paramref name="endOffset"/>) is where this log must end too, unless this log's own history for that epoch
    /// ends earlier; when this log does not have that epoch, it cuts to the end of the largest epoch below it, and the
    /// next fetch compares again from there. Never past <paramref name="logEnd"/>.
    /// </summary>
    internal static long TruncationOffset(int epoch, long endOffset, Func<int, OffsetAndEpoch> endOffsetForEpoch,
        long logEnd)
    {
        long to = Math.Min(endOffset, logEnd);
        if (epoch < 0) return to;
        OffsetAndEpoch mine = endOffsetForEpoch(epoch);
        if (mine.LeaderEpoch < 0) return to;
        return mine.LeaderEpoch == epoch ? Math.Min(to, mine.Offset) : Math.Min(logEnd, mine.Offset);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _changed.Dispose();
    }

    private sealed record Followed(IReadOnlyList<Partition> Partitions, long BrokerEpoch);

    private static partial class Log
    {
        [LoggerMessage(4301, LogLevel.Warning,
            "Cannot fetch from leader {LeaderId} at {Endpoint}: {Reason}; retrying")]
        public static partial void LeaderUnreachable(ILogger logger, int leaderId, string endpoint, string reason);

        [LoggerMessage(4302, LogLevel.Warning, "Leader {LeaderId} refused this follower's fetch: {Error}")]
        public static partial void FetchFailed(ILogger logger, int leaderId, ErrorCode error);

        [LoggerMessage(4303, LogLevel.Warning,
            "Leader {LeaderId} answered {Error} for {Topic}-{Partition} at offset {Offset}")]
        public static partial void PartitionFetchFailed(ILogger logger, string topic, int partition, int leaderId,
            ErrorCode error, long offset);

        [LoggerMessage(4304, LogLevel.Warning,
            "Truncated the replica of {Topic}-{Partition} from offset {Before} to {After}: leader {LeaderId} ends " +
            "epoch {LeaderEpoch} there")]
        public static partial void Truncated(ILogger logger, string topic, int partition, long before, long after,
            int leaderEpoch, int leaderId);

        [LoggerMessage(4305, LogLevel.Error,
            "Appending what leader {LeaderId} sent for {Topic}-{Partition} failed ({Status}) at offset {Offset}")]
        public static partial void AppendFailed(ILogger logger, int leaderId, string topic, int partition,
            AppendStatus status, long offset);
    }
}

/// <summary>How followers fetch: <c>replica.fetch.max.bytes</c> per partition, <c>replica.fetch.response.max.bytes</c>
/// in all, <c>replica.fetch.wait.max.ms</c> at the leader, the connection's timeouts and backoff.</summary>
internal sealed record ReplicaFetcherOptions(int PartitionMaxBytes, int ResponseMaxBytes, TimeSpan MaxWait,
    KafkaClientOptions Client);
