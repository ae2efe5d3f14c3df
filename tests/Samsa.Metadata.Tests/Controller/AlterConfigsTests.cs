using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Metadata.Tests.Controller;

public sealed class AlterConfigsTests
{
    private static readonly ConfigResource Logs = ConfigResource.ForTopic("logs");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<ControllerFixture> StartAsync(MetadataControllerOptions? options = null)
    {
        var f = new ControllerFixture(options);
        await f.StartBrokersAsync(1, 2);
        await f.CreateTopicAsync("logs", partitions: 2, replicationFactor: 2);
        return f;
    }

    private static async Task<AlterConfigsResult> IncrementalAsync(ControllerFixture f, ConfigResource resource,
        params AlterConfigOp[] ops) =>
        Assert.Single(await f.Controller.IncrementalAlterConfigsAsync(
            [new AlterConfigsResource(resource, ops)], validateOnly: false, Ct));

    [Fact]
    public async Task Set_and_delete_change_only_what_they_name()
    {
        await using ControllerFixture f = await StartAsync();

        AlterConfigsResult set =
            await IncrementalAsync(f, Logs, new("retention.ms", "1000"), new("min.insync.replicas", "2"));
        Assert.Equal(ControllerStatus.Ok, set.Status);
        Assert.Equal(ControllerStatus.Ok, (await IncrementalAsync(f, Logs, new AlterConfigOp("retention.ms", null,
            AlterConfigOpType.Delete))).Status);

        Assert.Equal(new Dictionary<string, string> { ["min.insync.replicas"] = "2" }, f.Image.Configs.Get(Logs));
    }

    [Fact]
    public async Task Append_and_subtract_edit_list_configs_starting_from_the_default()
    {
        await using ControllerFixture f = await StartAsync();

        await IncrementalAsync(f, Logs, new AlterConfigOp("cleanup.policy", "compact", AlterConfigOpType.Append));
        Assert.True(f.Image.Configs.TryGetValue(Logs, "cleanup.policy", out string? appended));
        Assert.Equal("delete,compact", appended);

        await IncrementalAsync(f, Logs, new AlterConfigOp("cleanup.policy", "delete", AlterConfigOpType.Subtract));
        Assert.True(f.Image.Configs.TryGetValue(Logs, "cleanup.policy", out string? subtracted));
        Assert.Equal("compact", subtracted);

        await IncrementalAsync(f, Logs, new AlterConfigOp("cleanup.policy", "compact", AlterConfigOpType.Append));
        Assert.True(f.Image.Configs.TryGetValue(Logs, "cleanup.policy", out string? unchanged));
        Assert.Equal("compact", unchanged);
    }

    [Theory]
    [InlineData("retention.ms", "1", AlterConfigOpType.Append, ControllerStatus.InvalidConfig)]
    [InlineData("retention.ms", "1", AlterConfigOpType.Subtract, ControllerStatus.InvalidConfig)]
    [InlineData("retention.ms", "later", AlterConfigOpType.Set, ControllerStatus.InvalidConfig)]
    [InlineData("no.such.config", "1", AlterConfigOpType.Set, ControllerStatus.InvalidConfig)]
    [InlineData("retention.ms", null, AlterConfigOpType.Set, ControllerStatus.InvalidRequest)]
    [InlineData("cleanup.policy", "sometimes", AlterConfigOpType.Append, ControllerStatus.InvalidConfig)]
    public async Task Bad_changes_are_refused(string name, string? value, AlterConfigOpType op,
        ControllerStatus expected)
    {
        await using ControllerFixture f = await StartAsync();
        long before = f.Log.CommittedOffset;

        AlterConfigsResult result = await IncrementalAsync(f, Logs, new AlterConfigOp(name, value, op));

        Assert.Equal(expected, result.Status);
        Assert.NotNull(result.Message);
        Assert.Equal(before, f.Log.CommittedOffset);
    }

    [Fact]
    public async Task Append_to_a_non_list_uses_Kafkas_message()
    {
        await using ControllerFixture f = await StartAsync();

        AlterConfigsResult result =
            await IncrementalAsync(f, Logs, new AlterConfigOp("retention.ms", "1", AlterConfigOpType.Append));

        Assert.Equal("Can't APPEND to key retention.ms because its type is not LIST.", result.Message);
    }

    [Fact]
    public async Task Resources_are_checked_and_fail_on_their_own()
    {
        await using ControllerFixture f = await StartAsync();
        AlterConfigOp set = new("log.retention.ms", "5");

        IReadOnlyList<AlterConfigsResult> results = await f.Controller.IncrementalAlterConfigsAsync(
        [
            new AlterConfigsResource(ConfigResource.ForTopic("missing"), [new("retention.ms", "1")]),
            new AlterConfigsResource(new ConfigResource(ConfigResourceType.Broker, "abc"), [set]),
            new AlterConfigsResource(new ConfigResource(ConfigResourceType.Broker, "1"), [set]),
            new AlterConfigsResource(ConfigResource.BrokerDefault, [set]),
            new AlterConfigsResource(new ConfigResource(ConfigResourceType.Unknown, "x"), [set]),
            new AlterConfigsResource(Logs, [new("retention.ms", "1"), new("retention.ms", "2")]),
        ], validateOnly: false, Ct);

        Assert.Equal(
        [
            ControllerStatus.UnknownTopicOrPartition, ControllerStatus.InvalidRequest, ControllerStatus.Ok,
            ControllerStatus.Ok, ControllerStatus.InvalidRequest, ControllerStatus.InvalidRequest,
        ], results.Select(r => r.Status));
        var broker1 = new ConfigResource(ConfigResourceType.Broker, "1");
        Assert.True(f.Image.Configs.TryGetValue(broker1, "log.retention.ms", out _));
        Assert.True(f.Image.Configs.TryGetValue(ConfigResource.BrokerDefault, "log.retention.ms", out _));
        Assert.False(f.Image.Configs.TryGetResource(Logs, out _));
    }

    [Fact]
    public async Task Duplicate_resources_are_refused()
    {
        await using ControllerFixture f = await StartAsync();

        IReadOnlyList<AlterConfigsResult> results = await f.Controller.IncrementalAlterConfigsAsync(
        [
            new AlterConfigsResource(Logs, [new("retention.ms", "1")]),
            new AlterConfigsResource(Logs, [new("retention.ms", "2")]),
        ], false, Ct);

        Assert.All(results, r => Assert.Equal(ControllerStatus.InvalidRequest, r.Status));
    }

    [Fact]
    public async Task Validate_only_writes_nothing()
    {
        await using ControllerFixture f = await StartAsync();
        long before = f.Log.CommittedOffset;

        IReadOnlyList<AlterConfigsResult> results = await f.Controller.IncrementalAlterConfigsAsync(
            [new AlterConfigsResource(Logs, [new("retention.ms", "1")])], validateOnly: true, Ct);

        Assert.Equal(ControllerStatus.Ok, Assert.Single(results).Status);
        Assert.Equal(before, f.Log.CommittedOffset);
    }

    [Fact]
    public async Task Legacy_alter_replaces_the_whole_set()
    {
        await using ControllerFixture f = await StartAsync();
        await IncrementalAsync(f, Logs, new("retention.ms", "1000"), new("min.insync.replicas", "2"));

        AlterConfigsResult result = Assert.Single(await f.Controller.AlterConfigsAsync(
            [new AlterConfigsResource(Logs, [new("cleanup.policy", "compact")])], false, Ct));

        Assert.Equal(ControllerStatus.Ok, result.Status);
        Assert.Equal(new Dictionary<string, string> { ["cleanup.policy"] = "compact" }, f.Image.Configs.Get(Logs));
        AlterConfigsResult nullValue = Assert.Single(await f.Controller.AlterConfigsAsync(
            [new AlterConfigsResource(Logs, [new("cleanup.policy", null)])], false, Ct));
        Assert.Equal(ControllerStatus.InvalidRequest, nullValue.Status);
    }

    [Fact]
    public async Task Setting_what_is_already_set_writes_nothing()
    {
        await using ControllerFixture f = await StartAsync();
        await IncrementalAsync(f, Logs, new AlterConfigOp("retention.ms", "1000"));
        long before = f.Log.CommittedOffset;

        AlterConfigsResult result = await IncrementalAsync(f, Logs, new AlterConfigOp("retention.ms", "1000"));

        Assert.Equal(ControllerStatus.Ok, result.Status);
        Assert.Equal(before, f.Log.CommittedOffset);
    }

    [Theory, InlineData(true), InlineData(false)]
    public async Task Enabling_unclean_election_elects_leaders_for_leaderless_partitions(bool onTopic)
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);
        await f.CreateAssignedAsync("logs", 1, 2);
        await f.HeartbeatAsync(2, wantFence: true);
        await f.HeartbeatAsync(2);
        await f.HeartbeatAsync(1, wantFence: true);
        Assert.Equal(PartitionRegistration.NoLeader, f.Partition("logs", 0).Leader);

        ConfigResource resource = onTopic ? Logs : ConfigResource.BrokerDefault;
        await IncrementalAsync(f, resource, new AlterConfigOp("unclean.leader.election.enable", "true"));

        PartitionRegistration p = f.Partition("logs", 0);
        Assert.Equal(2, p.Leader);
        Assert.Equal([2], p.Isr);
    }

    [Fact]
    public async Task Not_the_leader_of_the_log_is_NotController()
    {
        var log = new Samsa.Metadata.Log.MemoryMetadataLog(nodeId: 1000);
        await using var f = new ControllerFixture(log: log);
        log.ChangeLeader(1);

        AlterConfigsResult result =
            await IncrementalAsync(f, ConfigResource.BrokerDefault, new AlterConfigOp("log.retention.ms", "1"));

        Assert.Equal(ControllerStatus.NotController, result.Status);
    }
}
