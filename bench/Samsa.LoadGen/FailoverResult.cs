namespace Samsa.LoadGen;

/// <summary>What the failover row measured: each partition's leader before the kill, and its seconds from the kill to
/// the first acknowledged write attempted after it (NaN when none came by the deadline).</summary>
internal sealed record FailoverResult(int[] Leaders, double[] Recovery, long Sent, long Acked, long Errors,
    string? FirstError)
{
    /// <summary>The last of <paramref name="node"/>'s former partitions to be written again; NaN when one never
    /// was or the node led none.</summary>
    public double LastOf(int node)
    {
        double last = double.NaN;
        for (int p = 0; p < Leaders.Length; p++)
        {
            if (Leaders[p] != node) continue;
            if (double.IsNaN(Recovery[p])) return double.NaN;
            last = double.IsNaN(last) ? Recovery[p] : Math.Max(last, Recovery[p]);
        }
        return last;
    }
}
