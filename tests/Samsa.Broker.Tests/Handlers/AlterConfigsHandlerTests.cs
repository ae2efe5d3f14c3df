using Samsa.Broker.Handlers;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using IncrementalResource = Samsa.Protocol.Messages.IncrementalAlterConfigsRequest.AlterConfigsResource;
using LegacyResource = Samsa.Protocol.Messages.AlterConfigsRequest.AlterConfigsResource;

namespace Samsa.Broker.Tests.Handlers;

// IncrementalAlterConfigs and the legacy AlterConfigs, seen through the image they leave behind.
public sealed class AlterConfigsHandlerTests
{
    private const sbyte Topic = (sbyte)ConfigResourceType.Topic;
    private const sbyte Broker = (sbyte)ConfigResourceType.Broker;

    [Fact]
    public async Task Set_delete_append_and_subtract_change_the_topic_configs()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders", configs: [new("retention.ms", "1000")]);

        await ExpectOkAsync(f, Topic, "orders", Op("retention.ms", AlterConfigOpType.Delete),
            Op("max.message.bytes", AlterConfigOpType.Set, "2048"),
            Op("cleanup.policy", AlterConfigOpType.Append, "compact"));
        Assert.Equal(Configs(("max.message.bytes", "2048"), ("cleanup.policy", "delete,compact")),
            f.Image.Configs.Get(ConfigResource.ForTopic("orders")));

        await ExpectOkAsync(f, Topic, "orders", Op("cleanup.policy", AlterConfigOpType.Subtract, "delete"));
        Assert.Equal("compact", f.Image.Configs.Get(ConfigResource.ForTopic("orders"))["cleanup.policy"]);
    }

    [Fact]
    public async Task Validate_only_checks_and_changes_nothing()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders");
        long offset = f.Image.Offset;

        IncrementalAlterConfigsResponse response = await IncrementalAsync(f, validateOnly: true,
            Resource(Topic, "orders", Op("retention.ms", AlterConfigOpType.Set, "1000")),
            Resource(Topic, "orders2", Op("retention.ms", AlterConfigOpType.Set, "1000")));

        Assert.Equal(0, response.Responses[0].ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, response.Responses[1].ErrorCode);
        Assert.Equal(offset, f.Image.Offset);
        Assert.Empty(f.Image.Configs.Get(ConfigResource.ForTopic("orders")));
    }

    [Fact]
    public async Task Each_resource_succeeds_or_fails_on_its_own_with_kafkas_errors()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders");
        await f.CreateTopicAsync("other");

        IncrementalAlterConfigsResponse response = await IncrementalAsync(f, validateOnly: false,
            Resource(Topic, "orders", Op("retention.ms", AlterConfigOpType.Set, "5")),
            Resource(Topic, "orders", Op("retention.ms", AlterConfigOpType.Set, "6")),
            Resource(Broker, "2", Op("log.retention.ms", AlterConfigOpType.Set, "1")),
            Resource(Broker, "", Op("num.partitions", AlterConfigOpType.Set, "4")),
            Resource((sbyte)16, "metrics", Op("interval.ms", AlterConfigOpType.Set, "1")),
            Resource(Broker, "1", Op("log.retention.ms", (AlterConfigOpType)9, "1")),
            Resource(Topic, "other", Op("retention.ms", AlterConfigOpType.Set, null)),
            Resource(Topic, "missing", Op("retention.ms", AlterConfigOpType.Set, "1")));

        Assert.Equal(
            [
                ErrorCode.InvalidRequest, ErrorCode.InvalidRequest, ErrorCode.InvalidRequest, ErrorCode.InvalidConfig,
                ErrorCode.InvalidRequest, ErrorCode.InvalidRequest, ErrorCode.InvalidRequest,
                ErrorCode.UnknownTopicOrPartition,
            ],
            response.Responses.Select(r => (ErrorCode)r.ErrorCode));
        Assert.All(response.Responses, r => Assert.False(string.IsNullOrEmpty(r.ErrorMessage)));
        Assert.Equal(["orders", "orders", "2", "", "metrics", "1", "other", "missing"],
            response.Responses.Select(r => r.ResourceName));
        Assert.Empty(f.Image.Configs.Get(ConfigResource.ForTopic("orders")));
    }

    [Theory]
    [InlineData("retention.ms", AlterConfigOpType.Append, ErrorCode.InvalidConfig)]
    [InlineData("no.such.config", AlterConfigOpType.Set, ErrorCode.InvalidConfig)]
    [InlineData("retention.ms", AlterConfigOpType.Set, ErrorCode.None)]
    public async Task One_topic_op_maps_to_kafkas_error(string name, AlterConfigOpType op, ErrorCode expected)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders");

        IncrementalAlterConfigsResponse response = await IncrementalAsync(f, validateOnly: false,
            Resource(Topic, "orders", Op(name, op, "5")));

        Assert.Equal((short)expected, Assert.Single(response.Responses).ErrorCode);
    }

    [Fact]
    public async Task Broker_configs_of_this_node_and_the_cluster_default_are_written_under_canonical_names()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();

        await ExpectOkAsync(f, Broker, "01", Op("log.retention.ms", AlterConfigOpType.Set, "7000"));
        await ExpectOkAsync(f, Broker, "", Op("log.retention.ms", AlterConfigOpType.Set, "9000"));

        var thisBroker = new ConfigResource(ConfigResourceType.Broker, "1");
        Assert.Equal("7000", f.Image.Configs.Get(thisBroker)["log.retention.ms"]);
        Assert.Equal("9000", f.Image.Configs.Get(ConfigResource.BrokerDefault)["log.retention.ms"]);
    }

    [Fact]
    public async Task Legacy_alter_configs_replaces_every_dynamic_config_of_the_resource()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders", configs: [new("retention.ms", "1000"), new("max.message.bytes", "2048")]);
        var handler = new AlterConfigsHandler(f.Options.NodeId, f.Controller);
        var request = new AlterConfigsRequest
        {
            Resources =
            [
                new LegacyResource
                {
                    ResourceType = Topic, ResourceName = "orders",
                    Configs = [new() { Name = "segment.bytes", Value = "1048576" }],
                },
                new LegacyResource
                {
                    ResourceType = Broker, ResourceName = "7",
                    Configs = [new() { Name = "log.retention.ms", Value = "1" }],
                },
            ],
        };

        AlterConfigsResponse response =
            await HandlerFixture.SendAsync<AlterConfigsRequest, AlterConfigsResponse>(handler, request, 2);

        Assert.Equal(0, response.Responses[0].ErrorCode);
        Assert.Null(response.Responses[0].ErrorMessage);
        Assert.Equal((short)ErrorCode.InvalidRequest, response.Responses[1].ErrorCode);
        Assert.Equal(Configs(("segment.bytes", "1048576")), f.Image.Configs.Get(ConfigResource.ForTopic("orders")));
    }

    private static async Task ExpectOkAsync(HandlerFixture f, sbyte type, string name,
        params IncrementalAlterConfigsRequest.AlterableConfig[] ops)
    {
        IncrementalAlterConfigsResponse response = await IncrementalAsync(f, false, Resource(type, name, ops));
        IncrementalAlterConfigsResponse.AlterConfigsResourceResponse result = Assert.Single(response.Responses);
        Assert.True(result.ErrorCode == 0, result.ErrorMessage);
    }

    private static Task<IncrementalAlterConfigsResponse> IncrementalAsync(HandlerFixture f, bool validateOnly,
        params IncrementalResource[] resources) =>
        HandlerFixture.SendAsync<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(
            new IncrementalAlterConfigsHandler(f.Options.NodeId, f.Controller),
            new IncrementalAlterConfigsRequest { Resources = [.. resources], ValidateOnly = validateOnly }, 1);

    private static IncrementalResource Resource(sbyte type, string name,
        params IncrementalAlterConfigsRequest.AlterableConfig[] ops) =>
        new() { ResourceType = type, ResourceName = name, Configs = [.. ops] };

    private static IncrementalAlterConfigsRequest.AlterableConfig Op(string name, AlterConfigOpType op,
        string? value = null) => new() { Name = name, ConfigOperation = (sbyte)op, Value = value };

    private static Dictionary<string, string> Configs(params (string Name, string Value)[] configs) =>
        configs.ToDictionary(c => c.Name, c => c.Value);
}
