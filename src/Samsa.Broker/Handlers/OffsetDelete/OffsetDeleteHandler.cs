namespace Samsa.Broker.Handlers;

// OffsetDelete v0. Behaviour: deletes a group's committed offsets for the named partitions (KIP-496); refused per
// partition with GROUP_SUBSCRIBED_TO_TOPIC while a member is subscribed to the topic, and for the whole request
// with GROUP_ID_NOT_FOUND for an unknown group or NON_EMPTY_GROUP for a non-consumer group with members.
[ApiHandler(ApiKey.OffsetDelete, MinVersion = 0, MaxVersion = 0)]
internal sealed class OffsetDeleteHandler(GroupCoordinator groups)
    : ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse>
{
    protected override ValueTask<OffsetDeleteResponse?> HandleAsync(RequestContext context, OffsetDeleteRequest request,
        CancellationToken cancellationToken)
    {
        if (request.GroupId.Length == 0)
            return ValueTask.FromResult<OffsetDeleteResponse?>(
                ErrorResponse(context, request, ErrorCode.InvalidGroupId));
        GroupStatus status = groups.TryGetShard(request.GroupId, out CoordinatorShard? shard);
        if (status != GroupStatus.Ok)
        {
            return ValueTask.FromResult<OffsetDeleteResponse?>(
                ErrorResponse(context, request, ErrorMapping.ToErrorCode(status)));
        }
        ValueTask<OffsetsResult> pending = shard!.DeleteOffsetsAsync(request);
        return pending.IsCompletedSuccessfully
            ? ValueTask.FromResult<OffsetDeleteResponse?>(Respond(request, pending.Result))
            : AwaitAsync(request, pending);
    }

    private static async ValueTask<OffsetDeleteResponse?> AwaitAsync(OffsetDeleteRequest request,
        ValueTask<OffsetsResult> pending) => Respond(request, await pending.ConfigureAwait(false));

    // A request that fails as a whole carries only its error; otherwise each partition its own.
    private static OffsetDeleteResponse Respond(OffsetDeleteRequest request, OffsetsResult result)
    {
        var response = new OffsetDeleteResponse();
        if (result.Status != GroupStatus.Ok)
        {
            response.ErrorCode = (short)ErrorMapping.ToErrorCode(result.Status);
            return response;
        }
        int index = 0;
        foreach (OffsetDeleteRequest.OffsetDeleteRequestTopic topic in request.Topics)
        {
            var topicResponse = new OffsetDeleteResponse.OffsetDeleteResponseTopic { Name = topic.Name };
            foreach (OffsetDeleteRequest.OffsetDeleteRequestPartition partition in topic.Partitions)
            {
                topicResponse.Partitions.Add(new OffsetDeleteResponse.OffsetDeleteResponsePartition
                {
                    PartitionIndex = partition.PartitionIndex,
                    ErrorCode = (short)ErrorMapping.ToErrorCode(result.PartitionStatus(index++)),
                });
            }
            response.Topics.Add(topicResponse);
        }
        return response;
    }
}
