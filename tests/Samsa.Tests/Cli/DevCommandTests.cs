using System.CommandLine;
using Samsa.Cli;
using Samsa.Cli.Dev;
using Samsa.Configuration;
using Samsa.Metadata.Configs;
using Samsa.Tests.Configuration;

namespace Samsa.Tests.Cli;

public sealed class DevCommandTests
{
    private static ConfigLoadResult LoadDev(ConfigSources sources, out bool defaultDataDirectory) =>
        ConfigLoader.Load(DevDefaults.Apply(sources, out defaultDataDirectory), ConfigTestSources.Machine);

    [Fact]
    public void Dev_defaults_to_node_1_on_loopback_9092_with_data_under_data_dev()
    {
        ConfigLoadResult loaded = LoadDev(ConfigTestSources.Create(), out bool defaultDataDirectory);

        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));
        Assert.True(defaultDataDirectory);
        Assert.Equal(1, loaded.Settings!.NodeId);
        Assert.Equal([Path.GetFullPath(Path.Combine("data", "dev"))], loaded.Settings.LogDirs);
        Assert.Equal("PLAINTEXT://127.0.0.1:9092", loaded.Configuration![BrokerConfigs.Listeners].Value);
        Assert.Equal("samsa dev", loaded.Configuration[BrokerConfigs.NodeId].Origin.Description);
    }

    [Fact]
    public void Brokers_lays_out_node_1_as_broker_and_controller_and_the_others_as_brokers_on_their_own_ports()
    {
        ConfigSources sources = ConfigTestSources.Create(flags: ("num.partitions", "3"));

        ConfigLoadResult[] nodes = [.. Enumerable.Range(1, 3).Select(id => ConfigLoader.Load(
            DevDefaults.ApplyNode(sources, id, 3, out _, out string? error)!, ConfigTestSources.Machine))];

        Assert.All(nodes, n => Assert.True(n.IsValid, string.Join('\n', n.Errors)));
        Assert.Equal([1, 2, 3], nodes.Select(n => n.Settings!.NodeId));
        Assert.Equal([true, false, false], nodes.Select(n => n.Settings!.IsController));
        Assert.All(nodes, n => Assert.True(n.Settings!.IsBroker));
        Assert.Equal(["PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", "PLAINTEXT://127.0.0.1:9094",
            "PLAINTEXT://127.0.0.1:9096"], nodes.Select(n => n.Configuration![BrokerConfigs.Listeners].Value));
        Assert.All(nodes, n => Assert.Equal("1@127.0.0.1:9093",
            n.Configuration![BrokerConfigs.ControllerQuorumVoters].Value));
        Assert.Equal(Enumerable.Range(1, 3).Select(id => Path.GetFullPath(Path.Combine("data", "dev", $"node-{id}"))),
            nodes.Select(n => Assert.Single(n.Settings!.LogDirs)));
        Assert.All(nodes, n => Assert.Equal(3, n.Settings!.NumPartitions));
    }

    [Fact]
    public void Brokers_refuses_a_key_it_sets_per_node()
    {
        ConfigSources sources = ConfigTestSources.Create(flags: ("listeners", "PLAINTEXT://127.0.0.1:19092"));

        Assert.Null(DevDefaults.ApplyNode(sources, 1, 2, out _, out string? error));
        Assert.Equal("samsa: --brokers 2 sets listeners for each node; leave it unset", error);
    }

    [Fact]
    public void Every_source_overrides_the_dev_defaults()
    {
        ConfigLoadResult loaded = LoadDev(ConfigTestSources.Create(
            properties: "listeners=PLAINTEXT://127.0.0.1:19092\n",
            environment: new() { ["SAMSA_NODE_ID"] = "7" },
            flags: ("log.dirs", "/tmp/elsewhere")), out bool defaultDataDirectory);

        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));
        Assert.False(defaultDataDirectory);
        Assert.Equal(7, loaded.Settings!.NodeId);
        Assert.Equal(["/tmp/elsewhere"], loaded.Settings.LogDirs);
        Assert.Equal("PLAINTEXT://127.0.0.1:19092", loaded.Configuration![BrokerConfigs.Listeners].Value);
    }

    [Fact]
    public void Log_dir_alone_also_replaces_the_dev_data_folder()
    {
        ConfigSources sources = ConfigTestSources.Create(environment: new() { ["SAMSA_LOG_DIR"] = "/tmp/one" });

        ConfigLoadResult loaded = LoadDev(sources, out bool defaultDataDirectory);

        Assert.False(defaultDataDirectory);
        Assert.Equal(["/tmp/one"], loaded.Settings!.LogDirs);
    }

    [Fact]
    public void A_bad_topics_file_stops_dev_before_the_node_starts()
    {
        using var temp = new TempDirectory("samsa-dev-");
        string directory = temp.Path;
        string topics = Path.Combine(directory, "topics.yaml");
        File.WriteAllText(topics, "topics:\n  a:\n    partitions: zero\n    replication-factor: 1\n");
        var root = new RootCommand();
        var context = new CliContext(new Dictionary<string, string>(), ConfigTestSources.Machine);
        root.Subcommands.Add(DevCommand.Create(context));
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = root.Parse(["dev", "--topics", topics, "--log.dirs", Path.Combine(directory, "data")])
            .Invoke(new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(1, exitCode);
        Assert.Equal($"samsa: {topics}:3: partitions must be a whole number from 1 to 1000000, not \"zero\"\n",
            error.ToString().ReplaceLineEndings("\n"));
        Assert.False(Directory.Exists(Path.Combine(directory, "data")));
    }

    [Fact]
    public void Reset_deletes_the_default_data_folder_and_nothing_beside_it()
    {
        using var temp = new TempDirectory("samsa-dev-");
        string directory = temp.Path;
        string data = Path.Combine(directory, "data", "dev");
        string sibling = Path.Combine(directory, "data", "keep");
        Directory.CreateDirectory(Path.Combine(data, "logs-0"));
        Directory.CreateDirectory(sibling);
        var output = new StringWriter();

        Assert.True(DevData.TryReset([data], isDefaultDirectory: true, output, out string? error), error);

        Assert.False(Directory.Exists(data));
        Assert.True(Directory.Exists(sibling));
        Assert.Equal($"Deleted {data}\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Reset_refuses_a_configured_folder_that_is_not_a_log_directory()
    {
        using var temp = new TempDirectory("samsa-dev-");
        string directory = temp.Path;
        File.WriteAllText(Path.Combine(directory, "precious.txt"), "keep me");

        bool reset = DevData.TryReset([directory], isDefaultDirectory: false, TextWriter.Null, out string? error);

        Assert.False(reset);

        Assert.Equal($"samsa: --reset refuses to delete {directory}: it has no meta.properties, so it is not a "
            + "Samsa log directory", error);
        Assert.True(File.Exists(Path.Combine(directory, "precious.txt")));

        File.WriteAllText(Path.Combine(directory, "meta.properties"), "version=1\n");
        Assert.True(DevData.TryReset([directory], isDefaultDirectory: false, new StringWriter(), out error), error);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Reset_never_deletes_the_working_directory() =>
        Assert.False(DevData.TryReset(["."], isDefaultDirectory: true, new StringWriter(), out _));
}
