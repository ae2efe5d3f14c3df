namespace Samsa.Broker.Groups;

/// <summary>
/// What every group has whatever its protocol: an id, committed offsets, and a lock that makes the group
/// single-threaded. Requests and timers take <see cref="Lock"/> before they read or change anything here.
/// </summary>
internal abstract class Group
{
    protected Group(string groupId, CoordinatorShard shard)
    {
        GroupId = groupId;
        Shard = shard;
    }

    public string GroupId { get; }

    public CoordinatorShard Shard { get; }

    /// <summary>Held while the group is read or changed; groups in different partitions never share one.</summary>
    public Lock Lock { get; } = new();

    /// <summary>Committed offsets by partition.</summary>
    public Dictionary<TopicPartition, OffsetAndMetadata> Offsets { get; } = [];

    /// <summary>"classic" or "consumer", as ListGroups names the type.</summary>
    public abstract string TypeName { get; }

    /// <summary>The protocol type ("consumer", "connect", …); empty for a group that only holds offsets.</summary>
    public abstract string ProtocolType { get; }

    public abstract GroupState State { get; }

    /// <summary>No members (offsets may remain).</summary>
    public bool IsEmpty => State is GroupState.Empty or GroupState.Dead;

    /// <summary>Removed from its shard (deleted, expired or unloaded): a request that finds it looks the group up
    /// again.</summary>
    public bool IsDead => State == GroupState.Dead;

    /// <summary>When the group last became empty (ms since the epoch), for offset expiry; -1 while it has
    /// members.</summary>
    public long EmptySinceMs { get; protected set; } = -1;

    /// <summary>Fires when the group's committed offsets (or the empty group itself) are due to expire.</summary>
    public ITimer? ExpiryTimer { get; set; }

    /// <summary>Stops the expiry timer (the group has members again, or is gone).</summary>
    public void StopExpiry()
    {
        ExpiryTimer?.Dispose();
        ExpiryTimer = null;
    }

    /// <summary>Adds the tombstones that remove the group's own records (not its offsets) once it is empty.</summary>
    public abstract void AddDeletionTombstones(List<(byte[] Key, byte[]? Value)> records);

    /// <summary>
    /// Fails what waits on the group with <paramref name="status"/> and stops its timers: the shard is unloading or
    /// the group is deleted.
    /// </summary>
    public abstract void Shutdown(GroupStatus status);
}
