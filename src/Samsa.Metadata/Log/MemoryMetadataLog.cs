using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Samsa.Metadata.Log;

/// <summary>
/// A metadata log in memory, for tests and tools: the local log's contract without a disk. Nothing survives the
/// process. <see cref="ChangeLeader"/> simulates another node taking over, as a replicated log would.
/// </summary>
/// <remarks>Thread-safe; listeners are called on the appending thread, under the append lock.</remarks>
public sealed class MemoryMetadataLog : IMetadataLog
{
    private readonly Lock _lock = new();
    private readonly List<MetadataBatch> _batches = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MetadataListeners _listeners;
    private LeaderAndEpoch _leader;
    private long _committedOffset = -1;

    public MemoryMetadataLog(int nodeId = 1, TimeProvider? time = null, ILogger? logger = null)
    {
        NodeId = nodeId;
        _leader = new LeaderAndEpoch(nodeId, 1);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _listeners = new MetadataListeners(_logger);
    }

    public int NodeId { get; }

    public LeaderAndEpoch Leader
    {
        get
        {
            lock (_lock) return _leader;
        }
    }

    public long CommittedOffset => Volatile.Read(ref _committedOffset);

    /// <summary>The committed batches so far.</summary>
    public IReadOnlyList<MetadataBatch> Batches
    {
        get
        {
            lock (_lock) return [.. _batches];
        }
    }

    /// <summary>Moves leadership to <paramref name="leaderId"/> in the next epoch.</summary>
    public void ChangeLeader(int leaderId)
    {
        lock (_lock) _leader = new LeaderAndEpoch(leaderId, _leader.Epoch + 1);
    }

    public ValueTask<MetadataAppendResult> AppendAsync(int leaderEpoch, IReadOnlyList<IMetadataRecord> records,
        CancellationToken cancellationToken)
    {
        if (records.Count == 0) throw new ArgumentException("an append needs at least one record", nameof(records));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_leader.LeaderId != NodeId || leaderEpoch != _leader.Epoch)
                return ValueTask.FromResult(MetadataAppendResult.Failed(MetadataAppendStatus.NotLeader));
            var batch = new MetadataBatch(_committedOffset + 1, _leader.Epoch, _time.GetUtcNow(), [.. records]);
            _batches.Add(batch);
            Volatile.Write(ref _committedOffset, batch.LastOffset);
            _listeners.Deliver(batch);
            var result = new MetadataAppendResult(MetadataAppendStatus.Ok, batch.BaseOffset, batch.LastOffset);
            return ValueTask.FromResult(result);
        }
    }

    public async IAsyncEnumerable<MetadataBatch> ReadAsync(long fromOffset,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (MetadataBatch batch in Batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (batch.LastOffset >= fromOffset) yield return batch;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public IDisposable Subscribe(IMetadataLogListener listener)
    {
        lock (_lock)
        {
            foreach (MetadataBatch batch in _batches) MetadataListeners.Deliver(listener, batch, _logger);
            _listeners.Add(listener);
            return new MetadataListeners.Subscription(_listeners, listener);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
