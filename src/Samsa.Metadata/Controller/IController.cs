using Samsa.Storage;

namespace Samsa.Metadata.Controller;

/// <summary>
/// What a broker asks of the active controller: register and heartbeat, change topics and configs, allocate producer
/// ids, change ISRs, elect leaders. <see cref="MetadataController"/> answers in the process that runs it;
/// <see cref="Network.RemoteController"/> sends the same calls over the controller listener as Kafka's RPCs, so the
/// broker's handlers do not know which one they talk to.
/// </summary>
/// <remarks>
/// Thread-safe. Results carry a <see cref="ControllerStatus"/> per item, as the controller decided it; a controller
/// that cannot be reached answers <see cref="ControllerStatus.ControllerUnavailable"/> for every item.
/// </remarks>
public interface IController
{
    /// <summary>Registers a broker: a new broker epoch, fenced until it catches up (BrokerRegistration).</summary>
    Task<BrokerRegistrationResult> RegisterBrokerAsync(BrokerRegistrationRequest request,
        CancellationToken cancellationToken);

    /// <summary>Records a broker's heartbeat (BrokerHeartbeat).</summary>
    Task<BrokerHeartbeatResult> HeartbeatAsync(BrokerHeartbeatRequest request, CancellationToken cancellationToken);

    /// <summary>Creates topics, each on its own (CreateTopics); validate-only writes nothing.</summary>
    Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(IReadOnlyList<NewTopic> topics, bool validateOnly,
        CancellationToken cancellationToken);

    /// <summary>Deletes topics by name or id (DeleteTopics).</summary>
    Task<IReadOnlyList<DeleteTopicResult>> DeleteTopicsAsync(IReadOnlyList<TopicToDelete> topics,
        CancellationToken cancellationToken);

    /// <summary>Adds partitions to topics (CreatePartitions).</summary>
    Task<IReadOnlyList<CreatePartitionsResult>> CreatePartitionsAsync(IReadOnlyList<NewPartitions> topics,
        bool validateOnly, CancellationToken cancellationToken);

    /// <summary>Replaces resources' dynamic configs (AlterConfigs).</summary>
    Task<IReadOnlyList<AlterConfigsResult>> AlterConfigsAsync(IReadOnlyList<AlterConfigsResource> resources,
        bool validateOnly, CancellationToken cancellationToken);

    /// <summary>Changes resources' dynamic configs op by op (IncrementalAlterConfigs).</summary>
    Task<IReadOnlyList<AlterConfigsResult>> IncrementalAlterConfigsAsync(IReadOnlyList<AlterConfigsResource> resources,
        bool validateOnly, CancellationToken cancellationToken);

    /// <summary>Hands the broker its next block of producer ids (AllocateProducerIds).</summary>
    Task<AllocateProducerIdsResult> AllocateProducerIdsAsync(int brokerId, long brokerEpoch,
        CancellationToken cancellationToken);

    /// <summary>Changes a partition's ISR at its leader's request (AlterPartition).</summary>
    Task<AlterPartitionResult> AlterPartitionAsync(AlterPartitionRequest request, CancellationToken cancellationToken);

    /// <summary>Elects leaders at an operator's request (ElectLeaders): the preferred replica, or any live one for a
    /// partition that has no leader; null <paramref name="partitions"/> means every partition.</summary>
    Task<ElectLeadersResult> ElectLeadersAsync(ElectionType electionType, IReadOnlyList<TopicPartition>? partitions,
        CancellationToken cancellationToken);
}
