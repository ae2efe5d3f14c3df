using Samsa.Configuration;

namespace Samsa.Tests.Configuration;

public sealed class EnvironmentNamesTests
{
    [Theory]
    [InlineData("min.insync.replicas", "SAMSA_MIN_INSYNC_REPLICAS", "KAFKA_MIN_INSYNC_REPLICAS",
        "KAFKA_CFG_MIN_INSYNC_REPLICAS")]
    [InlineData("samsa.memory", "SAMSA_MEMORY", "KAFKA_SAMSA_MEMORY", "KAFKA_CFG_SAMSA_MEMORY")]
    [InlineData("a.b_c", "SAMSA_A_B__C", "KAFKA_A_B__C", null)]
    [InlineData("a.b-c", "SAMSA_A_B___C", "KAFKA_A_B___C", null)]
    public void Names_a_key_as_each_image_does(string key, string samsa, string kafka, string? bitnami)
    {
        Assert.Equal(samsa, EnvironmentNames.SamsaVariable(key));
        Assert.Equal(kafka, EnvironmentNames.KafkaVariable(key));
        Assert.Equal(bitnami, EnvironmentNames.BitnamiVariable(key));
    }

    [Theory]
    [InlineData("SAMSA_NODE_ID", "node.id", 3)]
    [InlineData("SAMSA_MEMORY", "samsa.memory", 3)]
    [InlineData("KAFKA_CFG_NODE_ID", "node.id", 2)]
    [InlineData("KAFKA_NODE_ID", "node.id", 1)]
    [InlineData("KAFKA_SOME__UNDERSCORED", "some_underscored", 1)]
    [InlineData("KAFKA_SOME___DASHED", "some-dashed", 1)]
    [InlineData("KAFKA_CFG_SOME__THING", "some..thing", 2)]
    [InlineData("CLUSTER_ID", "cluster.id", 0)]
    [InlineData("KAFKA_KRAFT_CLUSTER_ID", "cluster.id", 0)]
    public void Decodes_prefixed_variables_with_their_rank(string variable, string key, int rank)
    {
        Assert.True(EnvironmentNames.TryDecode(variable, k => k is "samsa.memory" or "node.id", out string decoded,
            out int decodedRank));
        Assert.Equal(key, decoded);
        Assert.Equal(rank, decodedRank);
    }

    [Theory]
    [InlineData("PATH")]
    [InlineData("SAMSA_")]
    [InlineData("KAFKA_HEAP_OPTS")]
    [InlineData("KAFKA_OPTS")]
    [InlineData("KAFKA_LOG4J_ROOT_LOGLEVEL")]
    [InlineData("KAFKA_ENABLE_KRAFT")]
    public void Other_variables_are_not_configuration(string variable) =>
        Assert.False(EnvironmentNames.TryDecode(variable, _ => true, out _, out _));
}
