namespace Samsa.Broker.Replication;

// The leader's side: what its followers' fetches tell it, the ISR changes that follow, and the high watermark. The ISR
// the leader acts on is the controller's (from the image or an AlterPartition answer, whichever has the newer
// partition epoch). While a change is in flight the high watermark and acks=all wait for the larger of the two sets
// (Kafka's maximal ISR): an expansion counts the joining replica at once, a shrink counts the leaving one until the
// controller has agreed, so nothing becomes visible that the committed ISR might not hold.
internal sealed partial class Partition
{
    private static readonly TimeSpan ProposalBackoff = TimeSpan.FromMilliseconds(500);

    private LeaderReplicas? _leader;
    private int[] _isr;
    private int _partitionEpoch;
    private int[]? _proposal;
    private int _proposalBasedOn = -1;
    private long _nextProposalAt;

    /// <summary>The ISR as the controller last agreed it, counted.</summary>
    public int InSyncReplicaCount => Volatile.Read(ref _isr).Length;

    /// <summary>The ISR as the controller last agreed it.</summary>
    public int[] InSyncReplicas => Volatile.Read(ref _isr);

    /// <summary>
    /// False while a new leader's high watermark is below the start of its epoch: offsets it inherited may still be
    /// uncommitted, so ListOffsets answers OFFSET_NOT_AVAILABLE for the latest offset until its followers catch up
    /// (KIP-207).
    /// </summary>
    public bool HighWatermarkReachedEpochStart
    {
        get
        {
            lock (_lock) return _leader is null || HighWatermark >= _leader.LeaderEpochStartOffset;
        }
    }

    private void BecomeLeaderLocked(PartitionState state)
    {
        Log.AssignLeaderEpoch(state.LeaderEpoch);
        long start = Log.LogEndOffset;
        long highWatermark = Math.Min(HighWatermark, start);
        Volatile.Write(ref _highWatermark, highWatermark);
        _leader = new LeaderReplicas(_nodeId, state.Replicas, _isr, start, highWatermark, _time);
        _proposal = null;
        AdvanceHighWatermarkLocked();
    }

    // KIP-966: nothing new becomes visible while the committed ISR is below min.insync.replicas, so a write that
    // fewer replicas hold is never read and then lost with them.
    private bool AdvanceHighWatermarkLocked()
    {
        if (_leader is null || _isr.Length < _state.Config.MinInsyncReplicas) return false;
        int[] isr = _proposal is { } proposal && proposal.Length > _isr.Length ? proposal : _isr;
        if (!_leader.MaybeAdvanceHighWatermark(isr, Log.LogEndOffset, minInsyncReplicas: 0)) return false;
        Volatile.Write(ref _highWatermark, _leader.HighWatermark);
        return true;
    }

    /// <summary>The least log start offset over the ISR: DeleteRecords answers once it reaches the offset asked
    /// for. A follower counts as -1 until its fetches report its log start.</summary>
    public long LowWatermark
    {
        get
        {
            lock (_lock) return _leader?.LowWatermark(_isr, Log.LogStartOffset) ?? Log.LogStartOffset;
        }
    }

    /// <summary>Records a follower's fetch from <paramref name="fetchOffset"/> (its log end) with its log start: the
    /// high watermark may rise, and a follower that caught up is proposed for the ISR.</summary>
    public void OnFollowerFetch(int replicaId, long fetchOffset, long followerLogStart = -1)
    {
        bool advanced;
        int[]? proposal = null;
        int leaderEpoch = 0, partitionEpoch = 0;
        int[] current;
        lock (_lock)
        {
            long startBefore = _leader?.Follower(replicaId)?.LogStartOffset ?? -1;
            if (_leader is null
                || !_leader.OnFollowerFetch(replicaId, fetchOffset, Log.LogEndOffset, followerLogStart))
                return;
            // A follower's log start that rose may complete a record deletion waiting on the low watermark.
            advanced = AdvanceHighWatermarkLocked() | (followerLogStart > startBefore);
            current = _isr;
            if (!current.Contains(replicaId) && CanProposeLocked())
            {
                List<int> ready = _leader.CaughtUpOutsideIsr(current);
                if (ready.Count > 0)
                    proposal = ProposeLocked([.. current, .. ready], out leaderEpoch, out partitionEpoch);
            }
        }
        if (advanced)
        {
            ProduceWatchers.Notify();   // acks=all produces and record deletions
            FetchWatchers.Notify();
        }
        if (proposal is not null) _isrUpdater!.Submit(this, leaderEpoch, partitionEpoch, current, proposal);
    }

    /// <summary>Proposes to drop the ISR members that have not caught up within <paramref name="maxLag"/>.</summary>
    public void MaybeShrinkIsr(TimeSpan maxLag)
    {
        int[]? proposal = null;
        int leaderEpoch = 0, partitionEpoch = 0;
        int[] current;
        lock (_lock)
        {
            if (_leader is null || !CanProposeLocked()) return;
            current = _isr;
            List<int> lagging = _leader.OutOfSync(current, Log.LogEndOffset, maxLag);
            if (lagging.Count == 0) return;
            proposal = ProposeLocked([.. current.Where(r => !lagging.Contains(r))], out leaderEpoch,
                out partitionEpoch);
        }
        _isrUpdater!.Submit(this, leaderEpoch, partitionEpoch, current, proposal);
    }

    private bool CanProposeLocked() =>
        _isrUpdater is not null && _proposal is null && _time.GetTimestamp() >= _nextProposalAt;

    private int[] ProposeLocked(int[] proposal, out int leaderEpoch, out int partitionEpoch)
    {
        _proposal = proposal;
        _proposalBasedOn = _partitionEpoch;
        leaderEpoch = _state.LeaderEpoch;
        partitionEpoch = _partitionEpoch;
        return proposal;
    }

    /// <summary>The controller's answer to this leader's ISR proposal made at <paramref name="leaderEpoch"/>.</summary>
    public void CompleteIsrChange(int leaderEpoch, AlterPartitionResult result)
    {
        bool advanced;
        lock (_lock)
        {
            if (_state.LeaderEpoch != leaderEpoch || _proposal is null) return;
            _proposal = null;
            if (result.Status == ControllerStatus.Ok && result.Partition is { } now
                && now.LeaderEpoch == leaderEpoch && now.PartitionEpoch > _partitionEpoch)
            {
                Volatile.Write(ref _isr, [.. now.Isr]);
                _partitionEpoch = now.PartitionEpoch;
            }
            else if (result.Status != ControllerStatus.Ok)
            {
                _nextProposalAt = _time.GetTimestamp()
                    + (long)(ProposalBackoff.TotalSeconds * _time.TimestampFrequency);
            }
            advanced = AdvanceHighWatermarkLocked();
        }
        ProduceWatchers.Notify();
        if (advanced) FetchWatchers.Notify();
    }
}
