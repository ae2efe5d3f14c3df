using Samsa.Metadata.Controller;

namespace Samsa.Metadata.Tests.Controller;

public sealed class ReplicaPlacerTests
{
    [Fact]
    public void Fixed_start_matches_Kafkas_documented_layout()
    {
        // AdminUtils' doc: 5 brokers, 10 partitions, replication factor 3, start index 0.
        int[][] placed = ReplicaPlacer.Place(0, 10, 3, [0, 1, 2, 3, 4], new Random(1), fixedStartIndex: 0);

        int[][] expected =
        [
            [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 0], [4, 0, 1],
            [0, 2, 3], [1, 3, 4], [2, 4, 0], [3, 0, 1], [4, 1, 2],
        ];
        Assert.Equal(expected, placed);
    }

    [Theory, InlineData(1), InlineData(7), InlineData(2024)]
    public void Leaders_and_replicas_spread_evenly(int seed)
    {
        int[] brokers = [1, 2, 3];

        int[][] placed = ReplicaPlacer.Place(0, 12, 2, brokers, new Random(seed));

        foreach (int b in brokers)
        {
            Assert.Equal(4, placed.Count(p => p[0] == b));
            Assert.Equal(8, placed.Count(p => p.Contains(b)));
        }
        Assert.All(placed, p => Assert.Equal(2, p.Distinct().Count()));
    }

    [Fact]
    public void Same_seed_gives_the_same_placement()
    {
        int[][] a = ReplicaPlacer.Place(0, 8, 3, [1, 2, 3, 4], new Random(5));
        int[][] b = ReplicaPlacer.Place(0, 8, 3, [1, 2, 3, 4], new Random(5));

        Assert.Equal(a, b);
    }

    [Fact]
    public void Single_broker_takes_every_partition()
    {
        int[][] placed = ReplicaPlacer.Place(0, 3, 1, [7], new Random(0));

        Assert.All(placed, p => Assert.Equal([7], p));
    }

    [Fact]
    public void Replication_factor_above_the_brokers_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ReplicaPlacer.Place(0, 1, 3, [1, 2], new Random(0)));
}
