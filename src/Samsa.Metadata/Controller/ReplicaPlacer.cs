namespace Samsa.Metadata.Controller;

// Kafka's rack-unaware assignment (AdminUtils.assignReplicasToBrokersRackUnaware): over the brokers sorted by id,
// partition p's first replica is broker (start + p) mod n, and its followers follow at a shift that grows by one each
// time p wraps around the brokers, so leaders spread evenly and the followers of one broker's partitions spread too.
// The start index and the first shift are random unless fixed (CreatePartitions continues from partition 0's leader).
internal static class ReplicaPlacer
{
    /// <summary>Replicas for partitions <paramref name="startPartition"/> onwards, one list per partition.</summary>
    /// <param name="startPartition">The first partition to place (its index shapes the shifts).</param>
    /// <param name="partitions">How many to place.</param>
    /// <param name="replicationFactor">At least 1 and at most the number of brokers.</param>
    /// <param name="brokers">The unfenced brokers, ascending.</param>
    /// <param name="random">Chooses the start and shift; seed it for a deterministic placement.</param>
    /// <param name="fixedStartIndex">The start index and first shift, or -1 for random ones.</param>
    public static int[][] Place(int startPartition, int partitions, int replicationFactor, IReadOnlyList<int> brokers,
        Random random, int fixedStartIndex = -1)
    {
        int n = brokers.Count;
        if (replicationFactor < 1 || replicationFactor > n)
            throw new ArgumentOutOfRangeException(nameof(replicationFactor), replicationFactor, $"{n} brokers");
        int startIndex = fixedStartIndex >= 0 ? fixedStartIndex : random.Next(n);
        int nextReplicaShift = fixedStartIndex >= 0 ? fixedStartIndex : random.Next(n);
        int currentPartition = Math.Max(0, startPartition);
        var result = new int[partitions][];
        for (int i = 0; i < partitions; i++, currentPartition++)
        {
            if (currentPartition > 0 && currentPartition % n == 0) nextReplicaShift++;
            int firstReplicaIndex = (currentPartition + startIndex) % n;
            int[] replicas = new int[replicationFactor];
            replicas[0] = brokers[firstReplicaIndex];
            for (int j = 0; j < replicationFactor - 1; j++)
                replicas[j + 1] = brokers[ReplicaIndex(firstReplicaIndex, nextReplicaShift, j, n)];
            result[i] = replicas;
        }
        return result;
    }

    private static int ReplicaIndex(int firstReplicaIndex, int secondReplicaShift, int replicaIndex, int brokers)
    {
        int shift = 1 + (secondReplicaShift + replicaIndex) % (brokers - 1);
        return (firstReplicaIndex + shift) % brokers;
    }
}
