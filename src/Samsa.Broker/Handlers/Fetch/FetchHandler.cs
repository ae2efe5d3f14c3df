using Samsa.Broker.Purgatory;

namespace Samsa.Broker.Handlers;

// Fetch v4–17. Behaviour: reads each partition from its fetch offset up to the high watermark (the last stable
// offset under read_committed; the log end for a follower), within partition_max_bytes and max_bytes, and always
// at least one whole batch for the first partition with data; fewer than min_bytes waits up to max_wait_ms and is
// woken by the append that makes enough bytes visible. Fetch sessions (KIP-227): session 0 with epoch 0 opens a
// session and answers in full; later requests carry the session id and the next epoch, name only the partitions
// whose position changed (and the forgotten ones), and get only partitions with news; epoch -1 closes it.
// Version notes: v7 sessions; v12 first flexible; v13 topics by id; v15 replica state moves to a tagged field.
[ApiHandler(ApiKey.Fetch, MinVersion = 4, MaxVersion = 17)]
internal sealed class FetchHandler(ReplicaManager replicas, MetadataLoader metadata, FetchSessionCache sessions,
    TimeProvider time, int fetchMaxBytes) : ApiHandler<FetchRequest, FetchResponseLease>
{
    private const int FinalEpoch = -1;
    private const int InitialEpoch = 0;

    protected override ValueTask<FetchResponseLease?> HandleAsync(RequestContext context, FetchRequest request,
        CancellationToken cancellationToken)
    {
        short version = context.ApiVersion;
        MetadataImage image = metadata.Current;
        FetchPlan plan;
        if (request.SessionId == 0)
        {
            if (request.SessionEpoch is not (FinalEpoch or InitialEpoch))
                return Answer(TopLevelError(ErrorCode.InvalidFetchSessionEpoch));
            FetchSession? created = request.SessionEpoch == InitialEpoch && version >= 7
                ? sessions.Create(version >= 13)
                : null;
            plan = FetchPlan.FromRequest(request, version, fetchMaxBytes, replicas, image, created);
        }
        else
        {
            if (!sessions.TryGet(request.SessionId, out FetchSession? session))
                return Answer(TopLevelError(ErrorCode.FetchSessionIdNotFound));
            if (request.SessionEpoch is FinalEpoch or InitialEpoch)
            {
                sessions.Remove(session!.Id);
                FetchSession? created = request.SessionEpoch == InitialEpoch ? sessions.Create(version >= 13) : null;
                plan = FetchPlan.FromRequest(request, version, fetchMaxBytes, replicas, image, created);
            }
            else
            {
                lock (session!.Lock)
                {
                    if (request.SessionEpoch != session.NextEpoch)
                        return Answer(TopLevelError(ErrorCode.InvalidFetchSessionEpoch));
                    session.NextEpoch = session.NextEpoch == int.MaxValue ? 1 : session.NextEpoch + 1;
                    Apply(session, request, version, image);
                }
                plan = FetchPlan.FromSession(request, version, fetchMaxBytes, session, replicas, image);
            }
        }
        if (plan.FromFollower) plan.RecordFollowerFetch(FetchPlan.ReplicaIdOf(request, version));
        int minBytes = request.MinBytes;
        if (request.MaxWaitMs <= 0 || minBytes <= 0 || plan.HasErrors || plan.AvailableBytes(minBytes) >= minBytes)
            return Answer(WithLeaderHints(plan.Read(), context));
        var delayed = new DelayedFetch(plan, minBytes, time, TimeSpan.FromMilliseconds(request.MaxWaitMs));
        delayed.Start();
        return AnswerLaterAsync(delayed.Result, context);
    }

    private async ValueTask<FetchResponseLease?> AnswerLaterAsync(Task<FetchResponseLease?> result,
        RequestContext context)
    {
        FetchResponseLease? lease = await result.ConfigureAwait(false);
        return lease is null ? null : WithLeaderHints(lease, context);
    }

    private FetchResponseLease WithLeaderHints(FetchResponseLease lease, RequestContext context)
    {
        LeaderHints.Add(lease.Response, metadata.Current, context.ListenerName, context.ApiVersion);
        return lease;
    }

    private static ValueTask<FetchResponseLease?> Answer(FetchResponseLease response) =>
        ValueTask.FromResult<FetchResponseLease?>(response);

    // An incremental request names the partitions whose fetch position or limits changed, and the ones to forget.
    private static void Apply(FetchSession session, FetchRequest request, short version, MetadataImage image)
    {
        foreach (FetchRequest.FetchTopic topic in request.Topics)
        {
            string name = version >= 13
                ? image.Topics.TryGetTopic(topic.TopicId, out TopicImage? found) ? found.Name : ""
                : topic.Topic;
            foreach (FetchRequest.FetchPartition p in topic.Partitions)
                session.Upsert(name, topic.TopicId, p.Partition, p.FetchOffset, p.PartitionMaxBytes,
                    p.CurrentLeaderEpoch);
        }
        foreach (FetchRequest.ForgottenTopic forgotten in request.ForgottenTopicsData)
        {
            string name = version >= 13
                ? image.Topics.TryGetTopic(forgotten.TopicId, out TopicImage? found) ? found.Name : ""
                : forgotten.Topic;
            foreach (int partition in forgotten.Partitions) session.Remove(name, forgotten.TopicId, partition);
        }
    }

    private static FetchResponseLease TopLevelError(ErrorCode error)
    {
        var lease = new FetchResponseLease();
        lease.Response.ErrorCode = (short)error;
        return lease;
    }

    // The generated answer, in the lease the connection disposes.
    protected override FetchResponseLease ErrorResponse(RequestContext context, FetchRequest request,
        ErrorCode error) =>
        new(request.ErrorResponse(context.ApiVersion, error));
}
