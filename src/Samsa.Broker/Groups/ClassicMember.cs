namespace Samsa.Broker.Groups;

/// <summary>A member of a classic group: what it joined with, its assignment, and the responses it waits for.</summary>
/// <remarks>Guarded by its group's lock, timers included.</remarks>
internal sealed class ClassicMember(ClassicGroup group, string memberId, string? groupInstanceId, string clientId,
    string clientHost)
{
    public ClassicGroup Group { get; } = group;

    public string MemberId { get; set; } = memberId;

    public string? GroupInstanceId { get; } = groupInstanceId;

    public string ClientId { get; set; } = clientId;

    public string ClientHost { get; set; } = clientHost;

    public TimeSpan SessionTimeout { get; set; }

    public TimeSpan RebalanceTimeout { get; set; }

    public string ProtocolType { get; set; } = "";

    /// <summary>The protocols (assignors) the member supports, in its order of preference, with their
    /// metadata.</summary>
    public List<(string Name, byte[] Metadata)> Protocols { get; set; } = [];

    public byte[] Assignment { get; set; } = [];

    /// <summary>The JoinGroup answer it waits for, with the version to answer at; null when not joining.</summary>
    public (TaskCompletionSource<JoinResult> Response, short Version)? PendingJoin { get; set; }

    /// <summary>The SyncGroup answer it waits for; null when not syncing.</summary>
    public TaskCompletionSource<GroupResult<SyncGroupResponse>>? PendingSync { get; set; }

    /// <summary>The version the pending SyncGroup is answered at.</summary>
    public short PendingSyncVersion { get; set; }

    public bool IsAwaitingJoin => PendingJoin is not null;

    /// <summary>Expires the member when no heartbeat, join or sync arrives within its session timeout.</summary>
    public DeadlineTimer Session { get; } = new();

    public DateTimeOffset SessionDeadline => Session.Deadline;

    public byte[]? MetadataFor(string? protocol)
    {
        foreach ((string name, byte[] metadata) in Protocols)
        {
            if (name == protocol) return metadata;
        }
        return null;
    }

    public bool SupportsAll(IReadOnlyCollection<string> protocols)
    {
        foreach (string protocol in protocols)
        {
            if (MetadataFor(protocol) is null) return false;
        }
        return true;
    }

    public bool SameProtocols(List<(string Name, byte[] Metadata)> other)
    {
        if (other.Count != Protocols.Count) return false;
        for (int i = 0; i < other.Count; i++)
        {
            if (other[i].Name != Protocols[i].Name || !other[i].Metadata.AsSpan().SequenceEqual(Protocols[i].Metadata))
                return false;
        }
        return true;
    }
}
