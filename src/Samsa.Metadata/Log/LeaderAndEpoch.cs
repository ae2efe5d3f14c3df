namespace Samsa.Metadata.Log;

/// <summary>Which node leads the metadata log, and in which epoch (the Raft term).</summary>
/// <param name="LeaderId">The leader's node id, or -1 while there is none.</param>
/// <param name="Epoch">The leader epoch; appends must name it.</param>
public readonly record struct LeaderAndEpoch(int LeaderId, int Epoch)
{
    public static LeaderAndEpoch Unknown => new(-1, -1);

    public bool HasLeader => LeaderId >= 0;
}
