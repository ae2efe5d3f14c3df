using Samsa.Broker.Handlers;
using Samsa.Metadata.Configs;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Protocol;
using Samsa.Protocol.Messages;
using ConfigResult = Samsa.Protocol.Messages.DescribeConfigsResponse.DescribeConfigsResourceResult;

namespace Samsa.Broker.Tests.Handlers;

public sealed class DescribeConfigsHandlerTests
{
    private const sbyte Topic = (sbyte)ConfigResourceType.Topic;
    private const sbyte Broker = (sbyte)ConfigResourceType.Broker;

    private static readonly Dictionary<string, string> Static = new()
    {
        ["log.retention.hours"] = "48",
        ["num.partitions"] = "3",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Topic_override_is_the_effective_value_followed_by_the_broker_layers_as_synonyms()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(Static);
        await f.CreateTopicAsync("orders", configs: [new("retention.ms", "1000")]);

        ConfigResult retention = Single(await DescribeAsync(f, Topic, "orders", "retention.ms"));

        Assert.Equal("1000", retention.Value);
        Assert.Equal((sbyte)ConfigSource.DynamicTopicConfig, retention.ConfigSource);
        Assert.False(retention.ReadOnly);
        Assert.Equal(
            [
                ("retention.ms", "1000", ConfigSource.DynamicTopicConfig),
                ("log.retention.hours", "48", ConfigSource.StaticBrokerConfig),
                ("log.retention.hours", "168", ConfigSource.DefaultConfig),
            ],
            retention.Synonyms.Select(s => (s.Name, s.Value, (ConfigSource)s.Source)));
    }

    [Fact]
    public async Task Topic_without_override_takes_the_highest_broker_layer_converted_to_its_unit()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(Static);
        await f.CreateTopicAsync("orders");

        ConfigResult fromStatic = Single(await DescribeAsync(f, Topic, "orders", "retention.ms"));
        Assert.Equal((48L * 3_600_000).ToString(), fromStatic.Value);
        Assert.Equal((sbyte)ConfigSource.StaticBrokerConfig, fromStatic.ConfigSource);

        await AlterAsync(f, ConfigResource.BrokerDefault, new AlterConfigOp("log.retention.ms", "5000"));
        ConfigResult fromDefault = Single(await DescribeAsync(f, Topic, "orders", "retention.ms"));
        Assert.Equal("5000", fromDefault.Value);
        Assert.Equal((sbyte)ConfigSource.DynamicDefaultBrokerConfig, fromDefault.ConfigSource);

        await AlterAsync(f, new ConfigResource(ConfigResourceType.Broker, "1"),
            new AlterConfigOp("log.retention.minutes", "2"));
        ConfigResult fromBroker = Single(await DescribeAsync(f, Topic, "orders", "retention.ms"));
        Assert.Equal("120000", fromBroker.Value);
        Assert.Equal((sbyte)ConfigSource.DynamicBrokerConfig, fromBroker.ConfigSource);
        Assert.Equal(
            ["log.retention.minutes", "log.retention.ms", "log.retention.hours", "log.retention.hours"],
            fromBroker.Synonyms.Select(s => s.Name));
    }

    [Fact]
    public async Task Topic_lists_every_topic_config_when_no_keys_are_named()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders");

        DescribeConfigsResponse.DescribeConfigsResult result = Assert.Single(
            (await DescribeAsync(f, Topic, "orders")).Results);

        Assert.Equal(0, result.ErrorCode);
        Assert.Equal(TopicConfigs.All.Select(c => c.Name).Order(), result.Configs.Select(c => c.Name).Order());
        ConfigResult segment = result.Configs.Single(c => c.Name == "segment.bytes");
        Assert.Equal((sbyte)ConfigSource.DefaultConfig, segment.ConfigSource);
        Assert.Equal((sbyte)ConfigType.Int, segment.ConfigType);
        Assert.Null(segment.Documentation);
    }

    [Fact]
    public async Task Broker_resource_of_this_node_lists_static_values_and_marks_static_only_keys_read_only()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(Static);

        DescribeConfigsResponse response = await DescribeAsync(f, Broker, "1");
        DescribeConfigsResponse.DescribeConfigsResult result = Assert.Single(response.Results);

        Assert.Equal(0, result.ErrorCode);
        Assert.Equal(BrokerConfigs.All.Count, result.Configs.Count);
        ConfigResult hours = result.Configs.Single(c => c.Name == "log.retention.hours");
        Assert.Equal(("48", (sbyte)ConfigSource.StaticBrokerConfig, false),
            (hours.Value, hours.ConfigSource, hours.ReadOnly));
        ConfigResult partitions = result.Configs.Single(c => c.Name == "num.partitions");
        Assert.Equal(("3", (sbyte)ConfigSource.StaticBrokerConfig, true),
            (partitions.Value, partitions.ConfigSource, partitions.ReadOnly));
        ConfigResult segment = result.Configs.Single(c => c.Name == "log.segment.bytes");
        Assert.Equal((sbyte)ConfigSource.DefaultConfig, segment.ConfigSource);
    }

    [Fact]
    public async Task Empty_broker_name_lists_only_the_cluster_wide_dynamic_defaults()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync(Static);
        Assert.Empty(Assert.Single((await DescribeAsync(f, Broker, "")).Results).Configs);

        await AlterAsync(f, ConfigResource.BrokerDefault, new AlterConfigOp("log.retention.ms", "5000"));

        ConfigResult only = Single(await DescribeAsync(f, Broker, ""));
        Assert.Equal(("log.retention.ms", "5000", (sbyte)ConfigSource.DynamicDefaultBrokerConfig),
            (only.Name, only.Value, only.ConfigSource));
        Assert.All(only.Synonyms, s => Assert.Equal((sbyte)ConfigSource.DynamicDefaultBrokerConfig, s.Source));
    }

    [Theory]
    [InlineData(Topic, "missing", ErrorCode.UnknownTopicOrPartition)]
    [InlineData(Topic, "bad/name", ErrorCode.InvalidTopicException)]
    [InlineData(Broker, "2", ErrorCode.InvalidRequest)]
    [InlineData(Broker, "one", ErrorCode.InvalidRequest)]
    [InlineData((sbyte)8, "1", ErrorCode.InvalidRequest)]
    public async Task Resource_that_cannot_be_described_gets_its_error_while_the_others_are_described(sbyte type,
        string name, ErrorCode expected)
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders");
        var request = new DescribeConfigsRequest
        {
            Resources =
            [
                new() { ResourceType = type, ResourceName = name, ConfigurationKeys = null },
                new() { ResourceType = Topic, ResourceName = "orders", ConfigurationKeys = null },
            ],
        };

        DescribeConfigsResponse response = await SendAsync(f, request, 4);

        Assert.Equal((short)expected, response.Results[0].ErrorCode);
        Assert.False(string.IsNullOrEmpty(response.Results[0].ErrorMessage));
        Assert.Empty(response.Results[0].Configs);
        Assert.Equal((type, name), (response.Results[0].ResourceType, response.Results[0].ResourceName));
        Assert.Equal(0, response.Results[1].ErrorCode);
        Assert.NotEmpty(response.Results[1].Configs);
    }

    [Fact]
    public async Task Synonyms_and_documentation_only_when_asked_for()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders");
        var request = new DescribeConfigsRequest
        {
            Resources = [new() { ResourceType = Topic, ResourceName = "orders", ConfigurationKeys = ["retention.ms"] }],
            IncludeSynonyms = false,
            IncludeDocumentation = true,
        };

        ConfigResult entry = Single(await SendAsync(f, request, 4));

        Assert.Empty(entry.Synonyms);
        Assert.False(string.IsNullOrEmpty(entry.Documentation));
        Assert.Equal((sbyte)ConfigType.Long, entry.ConfigType);
    }

    [Fact]
    public async Task Version_0_reports_is_default_instead_of_a_source()
    {
        await using HandlerFixture f = await HandlerFixture.StartAsync();
        await f.CreateTopicAsync("orders", configs: [new("retention.ms", "1000")]);
        var request = new DescribeConfigsRequest
        {
            Resources =
            [
                new()
                {
                    ResourceType = Topic, ResourceName = "orders",
                    ConfigurationKeys = ["retention.ms", "segment.bytes"],
                },
            ],
        };

        DescribeConfigsResponse response = await SendAsync(f, request, 0);

        List<ConfigResult> configs = Assert.Single(response.Results).Configs;
        Assert.False(configs.Single(c => c.Name == "retention.ms").IsDefault);
        Assert.True(configs.Single(c => c.Name == "segment.bytes").IsDefault);
    }

    private static async Task<DescribeConfigsResponse> DescribeAsync(HandlerFixture f, sbyte type, string name,
        params string[] keys) => await SendAsync(f, new DescribeConfigsRequest
        {
            Resources =
            [
                new()
                {
                    ResourceType = type, ResourceName = name, ConfigurationKeys = keys.Length == 0 ? null : [.. keys],
                },
            ],
            IncludeSynonyms = true,
        }, 4);

    private static Task<DescribeConfigsResponse> SendAsync(HandlerFixture f, DescribeConfigsRequest request,
        short version) => HandlerFixture.SendAsync<DescribeConfigsRequest, DescribeConfigsResponse>(
            new DescribeConfigsHandler(f.Options, f.Loader), request, version);

    private static ConfigResult Single(DescribeConfigsResponse response)
    {
        DescribeConfigsResponse.DescribeConfigsResult result = Assert.Single(response.Results);
        Assert.Equal(0, result.ErrorCode);
        return Assert.Single(result.Configs);
    }

    private static async Task AlterAsync(HandlerFixture f, ConfigResource resource, params AlterConfigOp[] ops)
    {
        AlterConfigsResult result = Assert.Single(
            await f.Controller.IncrementalAlterConfigsAsync([new AlterConfigsResource(resource, ops)], false, Ct));
        Assert.True(result.Status == ControllerStatus.Ok, result.Message);
    }
}
