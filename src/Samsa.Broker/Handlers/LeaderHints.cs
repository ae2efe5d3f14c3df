namespace Samsa.Broker.Handlers;

/// <summary>
/// KIP-951: a partition answered NOT_LEADER_OR_FOLLOWER or FENCED_LEADER_EPOCH names its current leader and epoch,
/// and the response carries that leader's endpoint on the request's listener, so the client moves at once instead of
/// refreshing its metadata first.
/// </summary>
internal static class LeaderHints
{
    /// <summary>True for the errors a leader hint goes with.</summary>
    public static bool Applies(short errorCode) =>
        errorCode is (short)ErrorCode.NotLeaderOrFollower or (short)ErrorCode.FencedLeaderEpoch;

    /// <summary>The partition's leader and leader epoch as this broker's image has them, with the leader's endpoint
    /// on <paramref name="listener"/> when it has one; false when the image names no leader.</summary>
    public static bool TryFind(MetadataImage image, string topic, int partition, string listener, out int leaderId,
        out int leaderEpoch, out BrokerRegistration? leader, out BrokerEndpoint endpoint)
    {
        leaderId = -1;
        leaderEpoch = -1;
        leader = null;
        endpoint = default;
        if (!image.Topics.TryGetPartition(topic, partition, out PartitionRegistration? registration)
            || !registration.HasLeader)
            return false;
        leaderId = registration.Leader;
        leaderEpoch = registration.LeaderEpoch;
        return image.Brokers.TryGetBroker(leaderId, out leader) && leader.TryGetEndpoint(listener, out endpoint);
    }

    /// <summary>Fills the hints of a Produce response (v10 and later).</summary>
    public static void Add(ProduceResponse response, MetadataImage image, string listener)
    {
        var listed = new HashSet<int>();
        foreach (ProduceResponse.TopicProduceResponse topic in response.Responses)
        {
            foreach (ProduceResponse.PartitionProduceResponse partition in topic.PartitionResponses)
            {
                if (!Applies(partition.ErrorCode) || !TryFind(image, topic.Name, partition.Index, listener,
                        out int leaderId, out int leaderEpoch, out BrokerRegistration? leader, out BrokerEndpoint at))
                    continue;
                partition.CurrentLeader.LeaderId = leaderId;
                partition.CurrentLeader.LeaderEpoch = leaderEpoch;
                if (!listed.Add(leaderId)) continue;
                response.NodeEndpoints.Add(new ProduceResponse.NodeEndpoint
                {
                    NodeId = leaderId, Host = at.Host, Port = at.Port, Rack = leader!.Rack,
                });
            }
        }
    }

    /// <summary>Fills the hints of a Fetch response: leaders from v12, their endpoints from v16.</summary>
    public static void Add(FetchResponse response, MetadataImage image, string listener, short version)
    {
        if (version < 12) return;
        var listed = new HashSet<int>();
        foreach (FetchResponse.FetchableTopicResponse topic in response.Responses)
        {
            string name = version >= 13
                ? image.Topics.TryGetTopic(topic.TopicId, out TopicImage? found) ? found.Name : ""
                : topic.Topic;
            foreach (FetchResponse.PartitionData partition in topic.Partitions)
            {
                if (!Applies(partition.ErrorCode) || !TryFind(image, name, partition.PartitionIndex, listener,
                        out int leaderId, out int leaderEpoch, out BrokerRegistration? leader, out BrokerEndpoint at))
                    continue;
                partition.CurrentLeader.LeaderId = leaderId;
                partition.CurrentLeader.LeaderEpoch = leaderEpoch;
                if (version < 16 || !listed.Add(leaderId)) continue;
                response.NodeEndpoints.Add(new FetchResponse.NodeEndpoint
                {
                    NodeId = leaderId, Host = at.Host, Port = at.Port, Rack = leader!.Rack,
                });
            }
        }
    }
}
