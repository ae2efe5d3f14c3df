namespace Samsa.Broker.Handlers;

// The authorized-operations bit fields some describe responses carry (KIP-430): bit n set means the operation whose
// ACL code is n is allowed. Samsa has no authorizer yet, and Kafka without one reports every operation the resource
// type supports; responses whose request did not ask carry int.MinValue, the protocol's "not requested".
internal static class AuthorizedOperations
{
    private const int Read = 3, Write = 4, Create = 5, Delete = 6, Alter = 7, Describe = 8, ClusterAction = 9,
        DescribeConfigs = 10, AlterConfigs = 11, IdempotentWrite = 12;

    /// <summary>What a client may do to a topic.</summary>
    public const int Topic = (1 << Read) | (1 << Write) | (1 << Create) | (1 << Delete) | (1 << Alter)
        | (1 << Describe) | (1 << DescribeConfigs) | (1 << AlterConfigs);

    /// <summary>What a client may do to the cluster.</summary>
    public const int Cluster = (1 << Create) | (1 << Alter) | (1 << Describe) | (1 << ClusterAction)
        | (1 << DescribeConfigs) | (1 << AlterConfigs) | (1 << IdempotentWrite);

    /// <summary>What a client may do to a consumer group.</summary>
    public const int Group = (1 << Read) | (1 << Delete) | (1 << Describe);

    /// <summary>The value of a field whose request did not ask for it.</summary>
    public const int NotRequested = int.MinValue;
}
