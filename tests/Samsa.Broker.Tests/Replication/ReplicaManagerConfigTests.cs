using Samsa.Broker.Tests.Handlers;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Broker.Tests.Replication;

// Dynamic broker configs (AlterConfigs on broker "" or on this broker's id) are the defaults of every topic without an
// override, so the partition logs must follow them as they change, not only the values the node started with.
public sealed class ReplicaManagerConfigTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cluster_wide_dynamic_default_reaches_the_logs_of_topics_without_an_override()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(
            new Dictionary<string, string> { ["log.retention.ms"] = "600000" });
        await f.CreateTopicAsync("plain");
        await f.CreateTopicAsync("pinned", configs: [new("retention.ms", "120000")]);
        Assert.Equal(TimeSpan.FromMinutes(10), f.Partition("plain").Log.Options.RetentionTime);

        await AlterAsync(f, ConfigResource.BrokerDefault, new AlterConfigOp("log.retention.ms", "5000"));

        Assert.Equal(TimeSpan.FromSeconds(5), f.Partition("plain").Log.Options.RetentionTime);
        Assert.Equal(TimeSpan.FromMinutes(2), f.Partition("pinned").Log.Options.RetentionTime);
    }

    [Fact]
    public async Task This_brokers_dynamic_value_beats_the_cluster_default_and_removing_it_restores_the_default()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("events");
        var broker = new ConfigResource(ConfigResourceType.Broker, HandlerFixture.NodeId.ToString(
            System.Globalization.CultureInfo.InvariantCulture));

        await AlterAsync(f, ConfigResource.BrokerDefault, new AlterConfigOp("log.segment.bytes", "2097152"));
        await AlterAsync(f, broker, new AlterConfigOp("log.segment.bytes", "4194304"));
        Assert.Equal(4 << 20, f.Partition("events").Log.Options.SegmentBytes);

        await AlterAsync(f, broker, new AlterConfigOp("log.segment.bytes", null, AlterConfigOpType.Delete));
        Assert.Equal(2 << 20, f.Partition("events").Log.Options.SegmentBytes);
    }

    [Fact]
    public async Task A_topic_override_set_later_replaces_the_dynamic_default_for_that_topic_only()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("a");
        await f.CreateTopicAsync("b");
        await AlterAsync(f, ConfigResource.BrokerDefault, new AlterConfigOp("log.cleanup.policy", "compact"));
        Assert.True(f.Partition("a").Log.Options.IsCompacted);

        await AlterAsync(f, ConfigResource.ForTopic("b"), new AlterConfigOp("cleanup.policy", "delete"));

        Assert.True(f.Partition("a").Log.Options.IsCompacted);
        Assert.False(f.Partition("b").Log.Options.IsCompacted);
    }

    private static async Task AlterAsync(HandlerFixture f, ConfigResource resource, params AlterConfigOp[] ops)
    {
        AlterConfigsResult result = Assert.Single(
            await f.Controller.IncrementalAlterConfigsAsync([new AlterConfigsResource(resource, ops)], false, Ct));
        Assert.True(result.Status == ControllerStatus.Ok, result.Message);
    }
}
