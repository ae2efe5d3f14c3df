using Microsoft.Extensions.Time.Testing;
using Samsa.Metadata.Network;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Metadata.Tests.Network;

public sealed class NodeClientTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static KafkaClientOptions Options(TimeSpan? requestTimeout = null) =>
        KafkaClientOptions.Default("node-client-test") with { RequestTimeout = requestTimeout ?? Deadline };

    private static Task<MetadataResponse> MetadataAsync(NodeClient client) =>
        client.SendAsync<MetadataRequest, MetadataResponse>(ApiKey.Metadata, new MetadataRequest(), Ct);

    [Fact]
    public async Task Pipelined_requests_share_one_connection_and_each_gets_its_own_answer_at_the_common_version()
    {
        await using var node = new FakeNode { MetadataMaxVersion = 9 };
        await using var client = new NodeClient("127.0.0.1", node.Port, Options(), TimeProvider.System);

        MetadataResponse[] responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => MetadataAsync(client)))
            .WaitAsync(Deadline, Ct);

        Assert.Equal(1, node.Connections);
        RequestHeader[] requests = [.. node.Requests];
        Assert.Equal((short)ApiKey.ApiVersions, requests[0].RequestApiKey);
        Assert.Equal(ApiVersionsRequest.HighestSupportedVersion, requests[0].RequestApiVersion);
        Assert.All(requests[1..], r => Assert.Equal((9, "node-client-test"), (r.RequestApiVersion, r.ClientId)));
        // The node echoes each request's correlation id in ThrottleTimeMs: every answer went to its own request.
        Assert.Equal(100, responses.Select(r => r.ThrottleTimeMs).Distinct().Count());
        Assert.Equal(requests[1..].Select(r => r.CorrelationId).Order(),
            responses.Select(r => r.ThrottleTimeMs).Order());
    }

    [Fact]
    public async Task A_request_without_an_answer_times_out_closes_the_connection_and_the_next_request_reconnects()
    {
        await using var node = new FakeNode { Metadata = FakeNode.Behaviour.Silent };
        await using var client = new NodeClient("127.0.0.1", node.Port, Options(TimeSpan.FromMilliseconds(300)),
            TimeProvider.System);

        KafkaClientException timedOut = await Assert.ThrowsAsync<KafkaClientException>(() => MetadataAsync(client));
        Assert.Contains("no response within", timedOut.Message, StringComparison.Ordinal);

        node.Metadata = FakeNode.Behaviour.Answer;
        MetadataResponse answered = await MetadataAsync(client).WaitAsync(Deadline, Ct);
        Assert.Equal("fake", answered.ClusterId);
        Assert.Equal(2, node.Connections);
    }

    [Fact]
    public async Task An_answer_to_the_wrong_correlation_id_fails_every_request_in_flight()
    {
        await using var node = new FakeNode { Metadata = FakeNode.Behaviour.WrongCorrelationId };
        await using var client = new NodeClient("127.0.0.1", node.Port, Options(), TimeProvider.System);

        Task<MetadataResponse>[] sent = [.. Enumerable.Range(0, 5).Select(_ => MetadataAsync(client))];

        foreach (Task<MetadataResponse> request in sent)
        {
            KafkaClientException failed = await Assert.ThrowsAsync<KafkaClientException>(() => request)
                .WaitAsync(Deadline, Ct);
            Assert.Contains("correlation id", failed.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_node_that_refuses_the_newest_ApiVersions_is_asked_again_at_the_version_it_announces()
    {
        await using var node = new FakeNode { RefusesFlexibleApiVersions = true };
        await using var client = new NodeClient("127.0.0.1", node.Port, Options(), TimeProvider.System);

        await MetadataAsync(client).WaitAsync(Deadline, Ct);

        RequestHeader[] requests = [.. node.Requests];
        Assert.Equal(
            [
                (ApiKey.ApiVersions, ApiVersionsRequest.HighestSupportedVersion), (ApiKey.ApiVersions, (short)2),
                (ApiKey.Metadata, (short)9),
            ],
            requests.Select(r => ((ApiKey)r.RequestApiKey, r.RequestApiVersion)));
    }

    [Fact]
    public async Task An_api_the_node_does_not_serve_fails_as_unsupported_without_touching_the_connection()
    {
        await using var node = new FakeNode();
        await using var client = new NodeClient("127.0.0.1", node.Port, Options(), TimeProvider.System);

        KafkaClientException unsupported = await Assert.ThrowsAsync<KafkaClientException>(() =>
            client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(ApiKey.CreateTopics, new CreateTopicsRequest(),
                Ct));

        Assert.True(unsupported.IsUnsupportedVersion);
        await MetadataAsync(client).WaitAsync(Deadline, Ct);
        Assert.Equal(1, node.Connections);
    }

    [Fact]
    public async Task An_unreachable_node_is_tried_again_only_after_a_backoff_that_doubles_and_resets_on_success()
    {
        int port = LoopbackPort.Free();
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var options = Options() with
        {
            ReconnectBackoff = TimeSpan.FromSeconds(1), ReconnectBackoffMax = TimeSpan.FromSeconds(10),
        };
        await using var client = new NodeClient("127.0.0.1", port, options, time);
        await Assert.ThrowsAsync<KafkaClientException>(() => MetadataAsync(client)).WaitAsync(Deadline, Ct);

        // The second try waits 0.8-1.2 s, the third 1.6-2.4 s (±20 % jitter around 1 s, then 2 s).
        await AssertWaitsForAsync(time, MetadataAsync(client), TimeSpan.FromSeconds(0.79), TimeSpan.FromSeconds(1.21));
        await AssertWaitsForAsync(time, MetadataAsync(client), TimeSpan.FromSeconds(1.59), TimeSpan.FromSeconds(2.41));

        // The node comes up: the next try (after at most 4.8 s) connects, and success resets the backoff.
        Task<MetadataResponse> connecting = MetadataAsync(client);
        var node = new FakeNode(port);
        await using (node)
        {
            time.Advance(TimeSpan.FromSeconds(4.81));
            await connecting.WaitAsync(Deadline, Ct);
        }
        // The node is gone again: the request on the closed connection fails, the first reconnect fails at once
        // (the backoff was reset), and the one after waits the first backoff again, not the fifth.
        KafkaClientException failed;
        do failed = await Assert.ThrowsAsync<KafkaClientException>(() => MetadataAsync(client)).WaitAsync(Deadline, Ct);
        while (!failed.Message.StartsWith("cannot reach", StringComparison.Ordinal));
        await AssertWaitsForAsync(time, MetadataAsync(client), TimeSpan.FromSeconds(0.79), TimeSpan.FromSeconds(1.21));
    }

    /// <summary>A request to an unreachable node that must not try before <paramref name="notBefore"/> and must
    /// have tried (and failed) by <paramref name="by"/>, in fake time.</summary>
    private static async Task AssertWaitsForAsync(FakeTimeProvider time, Task<MetadataResponse> request,
        TimeSpan notBefore, TimeSpan by)
    {
        time.Advance(notBefore);
        Assert.False(request.IsCompleted, $"the client tried again before {notBefore.TotalSeconds} s");
        time.Advance(by - notBefore);
        await Assert.ThrowsAsync<KafkaClientException>(() => request).WaitAsync(Deadline, Ct);
    }

}
