using System.CommandLine;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.Cli.Groups;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests.Groups;

/// <summary><c>samsa groups list|describe|lag|reset-offsets|delete</c> against a real broker, as Program.cs runs
/// them.</summary>
public sealed class GroupsCliTests
{
    private const string Topic = "cli-groups";
    private const string Group = "cli-group";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Groups_verbs_list_describe_show_lag_reset_offsets_and_delete()
    {
        await using SamsaCluster cluster = await ClassicGroupTests.StartAsync();
        string bootstrap = cluster.BootstrapServers;
        using (IAdminClient admin = cluster.CreateAdmin())
        {
            await admin.CreateTopicsAsync(
                [new TopicSpecification { Name = Topic, NumPartitions = 2, ReplicationFactor = 1 }]);
        }
        Produce(cluster, 10);
        var ledger = new GroupMember.Ledger();
        var member = new GroupMember("m", ClassicGroupTests.Config(cluster, Group), Topic, ledger);
        try
        {
            await Eventually.TrueAsync(() => ledger.CommittedFor(0) == 10 && ledger.CommittedFor(1) == 10, Deadline,
                "the member to commit everything");
            await member.PauseAsync();
            Produce(cluster, 3);
            await ListShowsTheGroupStableAsync(bootstrap);
            await DescribeShowsOneMemberWithBothPartitionsThreeBehindAsync(bootstrap);
            await LagShowsSixInJsonAndInTheTableAsync(bootstrap);
        }
        finally
        {
            await member.CloseAsync();
            member.Dispose();
        }

        await ResetOffsetsDryRunChangesNothingAndExecuteMovesAsync(bootstrap);
        await DeleteRemovesTheGroupOnceAsync(bootstrap);
        (int usage, _, _) = await RunAsync("groups", "reset-offsets", Group, "--bootstrap", bootstrap);
        Assert.NotEqual(0, usage);   // no --to-* given
    }

    private static async Task ListShowsTheGroupStableAsync(string bootstrap)
    {
        using JsonDocument list = await JsonAsync("groups", "list", "--bootstrap", bootstrap, "--json");
        JsonElement listed = Assert.Single(list.RootElement.GetProperty("groups").EnumerateArray(),
            g => g.GetProperty("group").GetString() == Group);
        Assert.Equal("Stable", listed.GetProperty("state").GetString());
    }

    private static async Task DescribeShowsOneMemberWithBothPartitionsThreeBehindAsync(string bootstrap)
    {
        using JsonDocument describe = await JsonAsync("groups", "describe", Group, "--bootstrap", bootstrap, "--json");
        JsonElement root = describe.RootElement;
        Assert.Equal("range", root.GetProperty("assignor").GetString());
        JsonElement only = Assert.Single(root.GetProperty("members").EnumerateArray());
        Assert.Equal(2, only.GetProperty("assignment").GetArrayLength());
        Assert.All(root.GetProperty("partitions").EnumerateArray(),
            p => Assert.Equal(3, p.GetProperty("lag").GetInt64()));
    }

    private static async Task LagShowsSixInJsonAndInTheTableAsync(string bootstrap)
    {
        Assert.Equal(6, await TotalLagAsync(bootstrap));
        (int code, string table, _) = await RunAsync("groups", "lag", Group, "--bootstrap", bootstrap);
        Assert.Equal(0, code);
        Assert.Contains("total lag 6", table, StringComparison.Ordinal);
        Assert.Contains(Topic, table, StringComparison.Ordinal);
    }

    // A dry run changes nothing; --execute moves both partitions to the start.
    private static async Task ResetOffsetsDryRunChangesNothingAndExecuteMovesAsync(string bootstrap)
    {
        using (JsonDocument dry = await JsonAsync("groups", "reset-offsets", Group, "--topic", Topic, "--to-earliest",
            "--bootstrap", bootstrap, "--json"))
        {
            Assert.False(dry.RootElement.GetProperty("executed").GetBoolean());
            Assert.All(dry.RootElement.GetProperty("partitions").EnumerateArray(), p =>
            {
                Assert.Equal(10, p.GetProperty("current").GetInt64());
                Assert.Equal(0, p.GetProperty("new").GetInt64());
            });
        }
        Assert.Equal(6, await TotalLagAsync(bootstrap));
        using (JsonDocument done = await JsonAsync("groups", "reset-offsets", Group, "--topic", Topic,
            "--shift-by", "-4", "--execute", "--bootstrap", bootstrap, "--json"))
        {
            Assert.True(done.RootElement.GetProperty("executed").GetBoolean());
        }
        Assert.Equal(14, await TotalLagAsync(bootstrap));
    }

    private static async Task DeleteRemovesTheGroupOnceAsync(string bootstrap)
    {
        using (JsonDocument deleted = await JsonAsync("groups", "delete", Group, "--bootstrap", bootstrap, "--json"))
            Assert.Equal(Group, Assert.Single(deleted.RootElement.GetProperty("deleted").EnumerateArray()).GetString());
        using (JsonDocument list = await JsonAsync("groups", "list", "--bootstrap", bootstrap, "--json"))
        {
            Assert.DoesNotContain(list.RootElement.GetProperty("groups").EnumerateArray(),
                g => g.GetProperty("group").GetString() == Group);
        }
        (int failed, _, string error) = await RunAsync("groups", "delete", Group, "--bootstrap", bootstrap);
        Assert.Equal(1, failed);
        Assert.Contains(Group, error, StringComparison.Ordinal);
    }

    /// <summary><c>samsa groups lag --json</c>: the group's total lag.</summary>
    private static async Task<long> TotalLagAsync(string bootstrap)
    {
        using JsonDocument lag = await JsonAsync("groups", "lag", Group, "--bootstrap", bootstrap, "--json");
        return lag.RootElement.GetProperty("totalLag").GetInt64();
    }

    private static void Produce(SamsaCluster cluster, int perPartition)
    {
        using IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer();
        for (int p = 0; p < 2; p++)
        {
            for (int i = 0; i < perPartition; i++)
                producer.Produce(new TopicPartition(Topic, p), new Message<byte[]?, byte[]?> { Value = [(byte)i] });
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
    }

    private static async Task<JsonDocument> JsonAsync(params string[] args)
    {
        (int code, string output, string error) = await RunAsync(args);
        Assert.True(code == 0, $"samsa {string.Join(' ', args)} exited {code}: {error}");
        return JsonDocument.Parse(output);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(GroupsCommand.Create());
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await root.Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error },
                TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
