using Samsa.Metadata.Controller;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Metadata.Network;

// CreateTopics, DeleteTopics and CreatePartitions, forwarded from a broker: the controller decides each topic's
// outcome and message, and they come back unchanged. Results are matched to requests by position, as the controller
// answers them in request order.
public sealed partial class RemoteController
{
    /// <summary>How long the controller may take over a forwarded topic change (the request's timeoutMs).</summary>
    private const int TopicTimeoutMs = 30_000;

    public async Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(IReadOnlyList<NewTopic> topics,
        bool validateOnly, CancellationToken cancellationToken)
    {
        (CreateTopicsResponse? response, string? failure) = await SendAsync<CreateTopicsRequest, CreateTopicsResponse>(
            ApiKey.CreateTopics, _ => CreateTopics(topics, validateOnly),
            r => r.Topics.Count > 0 && r.Topics.All(t => IsNotController(t.ErrorCode)), cancellationToken)
            .ConfigureAwait(false);
        var results = new CreateTopicResult[topics.Count];
        for (int i = 0; i < results.Length; i++)
        {
            if (response is null || i >= response.Topics.Count)
            {
                results[i] = CreateTopicResult.Failed(topics[i].Name, ControllerStatus.ControllerUnavailable,
                    Unavailable(failure ?? "the controller's answer left the topic out"));
                continue;
            }
            CreateTopicsResponse.CreatableTopicResult topic = response.Topics[i];
            ControllerStatus status = Status(topic.ErrorCode);
            results[i] = status == ControllerStatus.Ok
                ? new CreateTopicResult(topics[i].Name, status, null, topic.TopicId, topic.NumPartitions,
                    topic.ReplicationFactor)
                : CreateTopicResult.Failed(topics[i].Name, status, topic.ErrorMessage);
        }
        return results;
    }

    private static CreateTopicsRequest CreateTopics(IReadOnlyList<NewTopic> topics, bool validateOnly)
    {
        var request = new CreateTopicsRequest { timeoutMs = TopicTimeoutMs, validateOnly = validateOnly };
        foreach (NewTopic topic in topics)
        {
            var wire = new CreateTopicsRequest.CreatableTopic
            {
                Name = topic.Name, NumPartitions = topic.NumPartitions, ReplicationFactor = topic.ReplicationFactor,
            };
            foreach (ReplicaAssignment a in topic.Assignments ?? [])
            {
                wire.Assignments.Add(new CreateTopicsRequest.CreatableReplicaAssignment
                {
                    PartitionIndex = a.PartitionIndex, BrokerIds = [.. a.BrokerIds],
                });
            }
            foreach ((string name, string? value) in topic.Configs ?? [])
                wire.Configs.Add(new CreateTopicsRequest.CreatableTopicConfig { Name = name, Value = value });
            request.Topics.Add(wire);
        }
        return request;
    }

    public async Task<IReadOnlyList<DeleteTopicResult>> DeleteTopicsAsync(IReadOnlyList<TopicToDelete> topics,
        CancellationToken cancellationToken)
    {
        (DeleteTopicsResponse? response, string? failure) = await SendAsync<DeleteTopicsRequest, DeleteTopicsResponse>(
            ApiKey.DeleteTopics, version => DeleteTopics(topics, version),
            r => r.Responses.Count > 0 && r.Responses.All(t => IsNotController(t.ErrorCode)), cancellationToken)
            .ConfigureAwait(false);
        var results = new DeleteTopicResult[topics.Count];
        for (int i = 0; i < results.Length; i++)
        {
            TopicToDelete asked = topics[i];
            if (response is null || i >= response.Responses.Count)
            {
                results[i] = new DeleteTopicResult(asked.Name, asked.TopicId, ControllerStatus.ControllerUnavailable,
                    Unavailable(failure ?? "the controller's answer left the topic out"));
                continue;
            }
            DeleteTopicsResponse.DeletableTopicResult topic = response.Responses[i];
            ControllerStatus status = Status(topic.ErrorCode);
            results[i] = new DeleteTopicResult(topic.Name ?? asked.Name,
                topic.TopicId == Guid.Empty ? asked.TopicId : topic.TopicId, status,
                status == ControllerStatus.Ok ? null : topic.ErrorMessage);
        }
        return results;
    }

    private static DeleteTopicsRequest DeleteTopics(IReadOnlyList<TopicToDelete> topics, short version)
    {
        var request = new DeleteTopicsRequest { TimeoutMs = TopicTimeoutMs };
        foreach (TopicToDelete topic in topics)
        {
            if (version < 6)
                request.TopicNames.Add(topic.Name ?? "");
            else
                request.Topics.Add(new() { Name = topic.Name, TopicId = topic.TopicId });
        }
        return request;
    }

    public async Task<IReadOnlyList<CreatePartitionsResult>> CreatePartitionsAsync(
        IReadOnlyList<NewPartitions> topics, bool validateOnly, CancellationToken cancellationToken)
    {
        (CreatePartitionsResponse? response, string? failure) =
            await SendAsync<CreatePartitionsRequest, CreatePartitionsResponse>(ApiKey.CreatePartitions,
                _ => CreatePartitions(topics, validateOnly),
                r => r.Results.Count > 0 && r.Results.All(t => IsNotController(t.ErrorCode)), cancellationToken)
                .ConfigureAwait(false);
        var results = new CreatePartitionsResult[topics.Count];
        for (int i = 0; i < results.Length; i++)
        {
            if (response is null || i >= response.Results.Count)
            {
                results[i] = new CreatePartitionsResult(topics[i].Name, ControllerStatus.ControllerUnavailable,
                    Unavailable(failure ?? "the controller's answer left the topic out"));
                continue;
            }
            CreatePartitionsResponse.CreatePartitionsTopicResult topic = response.Results[i];
            ControllerStatus status = Status(topic.ErrorCode);
            results[i] = new CreatePartitionsResult(topics[i].Name, status,
                status == ControllerStatus.Ok ? null : topic.ErrorMessage);
        }
        return results;
    }

    private static CreatePartitionsRequest CreatePartitions(IReadOnlyList<NewPartitions> topics, bool validateOnly)
    {
        var request = new CreatePartitionsRequest { TimeoutMs = TopicTimeoutMs, ValidateOnly = validateOnly };
        foreach (NewPartitions topic in topics)
        {
            var wire = new CreatePartitionsRequest.CreatePartitionsTopic { Name = topic.Name, Count = topic.Count };
            if (topic.Assignments is { } assignments)
            {
                wire.Assignments = [.. assignments.Select(a =>
                    new CreatePartitionsRequest.CreatePartitionsAssignment { BrokerIds = [.. a] })];
            }
            else
            {
                wire.Assignments = null;
            }
            request.Topics.Add(wire);
        }
        return request;
    }
}
