using Samsa.Configuration;
using Samsa.Metadata.Configs;

namespace Samsa.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private const string Properties = "node.id=1\nnum.partitions=2\nmin.insync.replicas=2\n"
        + "default.replication.factor=2\nlog.retention.hours=24\n";

    private const string EnvFile = "SAMSA_NUM_PARTITIONS=3\nSAMSA_MIN_INSYNC_REPLICAS=3\n"
        + "SAMSA_DEFAULT_REPLICATION_FACTOR=3\n";

    [Fact]
    public void Each_source_overrides_the_ones_below_it_key_by_key()
    {
        ConfigLoadResult result = ConfigTestSources.Load(Properties, EnvFile,
            new() { ["SAMSA_MIN_INSYNC_REPLICAS"] = "4", ["SAMSA_DEFAULT_REPLICATION_FACTOR"] = "4" },
            ("default.replication.factor", "5"));

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        EffectiveConfiguration config = result.Configuration!;
        AssertSetting(config, BrokerConfigs.LogRetentionHours, "24", "server.properties:5");
        AssertSetting(config, BrokerConfigs.NumPartitions, "3", ".env:1");
        AssertSetting(config, BrokerConfigs.MinInsyncReplicas, "4", "SAMSA_MIN_INSYNC_REPLICAS");
        AssertSetting(config, BrokerConfigs.DefaultReplicationFactor, "5", "--default.replication.factor");
        AssertSetting(config, BrokerConfigs.LogSegmentBytes, "1073741824", "default");
        Assert.Equal(ConfigOriginKind.Default, config[BrokerConfigs.LogSegmentBytes].Origin.Kind);
        Assert.Equal(5, result.Settings!.DefaultReplicationFactor);
    }

    [Fact]
    public void Later_flags_and_overrides_win()
    {
        ConfigSources sources = ConfigTestSources.Create() with
        {
            Flags =
            [
                new ConfigFlag("node.id", "1", "--node.id"),
                new ConfigFlag("num.partitions", "2", "--num.partitions"),
                new ConfigFlag("num.partitions", "6", "--override"),
            ],
        };

        ConfigLoadResult result = ConfigLoader.Load(sources, ConfigTestSources.Machine);

        AssertSetting(result.Configuration!, BrokerConfigs.NumPartitions, "6", "--override");
    }

    [Fact]
    public void Aliases_are_read_and_SAMSA_beats_KAFKA_CFG_beats_KAFKA_beats_CLUSTER_ID()
    {
        ConfigLoadResult result = ConfigTestSources.Load(environment: new()
        {
            ["KAFKA_NODE_ID"] = "1",
            ["KAFKA_NUM_PARTITIONS"] = "2",
            ["KAFKA_CFG_NUM_PARTITIONS"] = "3",
            ["KAFKA_CFG_MIN_INSYNC_REPLICAS"] = "2",
            ["SAMSA_MIN_INSYNC_REPLICAS"] = "3",
            ["CLUSTER_ID"] = "from-image",
            ["KAFKA_CLUSTER_ID"] = "from-kafka",
            ["KAFKA_CFG_LOG_RETENTION_HOURS"] = "12",
        });

        EffectiveConfiguration config = result.Configuration!;
        AssertSetting(config, BrokerConfigs.NodeId, "1", "KAFKA_NODE_ID");
        AssertSetting(config, BrokerConfigs.NumPartitions, "3", "KAFKA_CFG_NUM_PARTITIONS");
        AssertSetting(config, BrokerConfigs.MinInsyncReplicas, "3", "SAMSA_MIN_INSYNC_REPLICAS");
        AssertSetting(config, BrokerConfigs.ClusterId, "from-kafka", "KAFKA_CLUSTER_ID");
        AssertSetting(config, BrokerConfigs.LogRetentionHours, "12", "KAFKA_CFG_LOG_RETENTION_HOURS");
        Assert.Contains(result.Warnings, w => w.Kind == ConfigWarningKind.ShadowedVariable
            && w.Message == "num.partitions: KAFKA_NUM_PARTITIONS is ignored because KAFKA_CFG_NUM_PARTITIONS "
                + "also sets it");
        Assert.Contains(result.Warnings, w => w.Message
            == "cluster.id: CLUSTER_ID is ignored because KAFKA_CLUSTER_ID also sets it");
    }

    [Fact]
    public void The_environment_beats_the_env_file_whatever_the_prefix()
    {
        ConfigLoadResult result = ConfigTestSources.Load(envFile: "SAMSA_NODE_ID=1\nSAMSA_NUM_PARTITIONS=2",
            environment: new() { ["KAFKA_NUM_PARTITIONS"] = "9" });

        AssertSetting(result.Configuration!, BrokerConfigs.NumPartitions, "9", "KAFKA_NUM_PARTITIONS");
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void An_empty_variable_counts_as_unset()
    {
        ConfigLoadResult result = ConfigTestSources.Load("node.id=1\nnum.partitions=2",
            environment: new() { ["SAMSA_NUM_PARTITIONS"] = "" });

        AssertSetting(result.Configuration!, BrokerConfigs.NumPartitions, "2", "server.properties:2");
    }

    [Fact]
    public void Unknown_keys_are_warnings_naming_their_source_and_are_ignored()
    {
        ConfigLoadResult result = ConfigTestSources.Load("node.id=1\nfoo.bar=1\nnum.network.threads=8",
            environment: new() { ["SAMSA_NOPE"] = "x", ["KAFKA_HEAP_OPTS"] = "-Xmx1G", ["HOME"] = "/root" },
            flags: ("zookeeper.connect", "zk:2181"));

        Assert.True(result.IsValid);
        Assert.Equal(
        [
            "samsa: warning: unknown setting foo.bar (from server.properties:2); ignored",
            "samsa: warning: num.network.threads (from server.properties:3) is a Kafka setting Samsa does not use: "
                + "Kestrel sizes its own I/O threads; ignored",
            "samsa: warning: unknown setting nope (from SAMSA_NOPE); ignored",
            "samsa: warning: zookeeper.connect (from --zookeeper.connect) is a Kafka setting Samsa does not use: "
                + "Samsa has no ZooKeeper mode; ignored",
        ], result.Warnings.Select(w => w.ToString()));
    }

    [Theory]
    [InlineData("SAMSA_MIN_INSYNC_REPLICAS", "0",
        "samsa: min.insync.replicas=0 (from SAMSA_MIN_INSYNC_REPLICAS) must be at least 1")]
    [InlineData("KAFKA_CFG_AUTO_CREATE_TOPICS_ENABLE", "yes",
        "samsa: auto.create.topics.enable=yes (from KAFKA_CFG_AUTO_CREATE_TOPICS_ENABLE) must be true or false")]
    [InlineData("SAMSA_LOG_CLEANUP_POLICY", "delete,purge",
        "samsa: log.cleanup.policy=delete,purge (from SAMSA_LOG_CLEANUP_POLICY) has purge, which is not one of "
            + "compact, delete")]
    [InlineData("SAMSA_LISTENERS", "PLAINTEXT:9092",
        "samsa: listeners=PLAINTEXT:9092 (from SAMSA_LISTENERS) has PLAINTEXT:9092, which is not NAME://HOST:PORT")]
    [InlineData("SAMSA_MEMORY", "lots",
        "samsa: samsa.memory=lots (from SAMSA_MEMORY) must be a size in bytes such as 536870912, 512m or 2GiB")]
    public void A_bad_value_is_one_line_naming_key_value_and_source(string variable, string value, string expected)
    {
        ConfigLoadResult result =
            ConfigTestSources.Load(environment: new() { ["SAMSA_NODE_ID"] = "1", [variable] = value });

        Assert.False(result.IsValid);
        Assert.Null(result.Configuration);
        Assert.Equal([expected], result.Errors);
    }

    [Fact]
    public void Errors_name_file_lines_and_flags()
    {
        ConfigLoadResult fromFile = ConfigTestSources.Load("node.id=1\n\nnum.partitions = 0 \n");
        ConfigLoadResult fromEnvFile = ConfigTestSources.Load(envFile: "SAMSA_NODE_ID=-1");
        ConfigLoadResult fromFlag = ConfigTestSources.Load(flags: ("node.id", "one"));

        Assert.Equal(["samsa: num.partitions=0 (from server.properties:3) must be at least 1"], fromFile.Errors);
        Assert.Equal(["samsa: node.id=-1 (from .env:1) must be at least 0"], fromEnvFile.Errors);
        Assert.Equal(["samsa: node.id=one (from --node.id) must be an integer"], fromFlag.Errors);
    }

    [Fact]
    public void Malformed_files_are_one_line_errors()
    {
        Assert.Equal(["samsa: server.properties: line 2: malformed \\uXXXX escape"],
            ConfigTestSources.Load("node.id=1\nx=\\u00").Errors);
        Assert.Equal(["samsa: .env: line 1: expected NAME=VALUE"],
            ConfigTestSources.Load(envFile: "SAMSA_NODE_ID").Errors);
    }

    [Fact]
    public void Passwords_are_masked_in_errors_and_display()
    {
        ConfigDef<string?> password = ConfigDef.Password("ssl.key.password", "d",
            validate: text => text.Length < 8 ? "must have at least 8 characters" : null);
        var errors = new List<string>();
        var warnings = new List<ConfigWarning>();

        EffectiveConfiguration? config = ConfigLoader.LoadValues(
            ConfigTestSources.Create("ssl.key.password=s3cret-enough"), [password], errors, warnings);
        EffectiveConfiguration? refused = ConfigLoader.LoadValues(
            ConfigTestSources.Create("ssl.key.password=s3cret"), [password], errors, warnings);

        Assert.Equal("[hidden]", config![password].DisplayValue);
        Assert.Equal("s3cret-enough", config.Get(password));
        Assert.Null(refused);
        Assert.Equal(["samsa: ssl.key.password=[hidden] (from server.properties:1) must have at least 8 characters"],
            errors);
    }

    [Fact]
    public void Static_values_are_the_keys_some_source_set_in_canonical_form()
    {
        ConfigLoadResult result = ConfigTestSources.Load("node.id=1\nlog.cleanup.policy= compact , delete\n");

        Assert.Equal(new Dictionary<string, string> { ["node.id"] = "1", ["log.cleanup.policy"] = "compact,delete" },
            result.Configuration!.StaticValues);
    }

    [Fact]
    public void Display_order_puts_the_keys_set_by_a_source_first()
    {
        ConfigLoadResult result = ConfigTestSources.Load("num.partitions=3\nnode.id=1\n");

        string[] names = [.. result.Configuration!.InDisplayOrder.Select(s => s.Definition.Name)];
        Assert.Equal(["node.id", "num.partitions"], names[..2]);
        Assert.Equal(BrokerConfigs.All.Count, names.Length);
    }

    private static void AssertSetting(EffectiveConfiguration config, ConfigDef definition, string value, string origin)
    {
        Assert.Equal(value, config[definition].Value);
        Assert.Equal(origin, config[definition].Origin.Description);
    }
}
