using Samsa.Configuration;
using Samsa.Metadata.Configs;
using Samsa.Protocol.Records;
using Samsa.Storage;

namespace Samsa.Tests.Configuration;

public sealed class BrokerSettingsTests
{
    private static BrokerSettings Valid(params (string Key, string Value)[] flags)
    {
        ConfigLoadResult result = ConfigTestSources.LoadNode(flags);
        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        return result.Settings!;
    }

    private static string SingleError(params (string Key, string Value)[] flags)
    {
        ConfigLoadResult result = ConfigTestSources.LoadNode(flags);
        Assert.Null(result.Settings);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Defaults_make_a_single_node_cluster()
    {
        BrokerSettings settings = Valid();

        Assert.Equal(1, settings.NodeId);
        Assert.True(settings.IsBroker);
        Assert.True(settings.IsController);
        Assert.Equal(["data"], settings.LogDirs);
        Assert.Equal("PLAINTEXT", settings.InterBrokerListenerName);
        Assert.Equal([new ServerAddress("", 9308)], settings.HttpListeners);
        Assert.Equal(4L << 30, settings.MemoryBytes);
        Assert.Equal(1L << 30, settings.QueuedMaxRequestBytes);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.ConnectionsMaxIdle);
        Assert.Equal(TimeSpan.FromDays(7), settings.OffsetsRetention);
        Assert.Equal(3, settings.OffsetsTopicReplicationFactor);
    }

    [Fact]
    public void Node_id_is_required_and_broker_id_is_its_older_name()
    {
        ConfigLoadResult missing = ConfigTestSources.Load();
        ConfigLoadResult fromBrokerId = ConfigTestSources.Load("broker.id=4");
        ConfigLoadResult mismatch = ConfigTestSources.Load("node.id=1\nbroker.id=2");

        Assert.Equal(
            ["samsa: node.id is not set: give --node.id=N, SAMSA_NODE_ID=N or node.id=N in the properties file"],
            missing.Errors);
        Assert.Equal(4, fromBrokerId.Settings!.NodeId);
        Assert.Equal(["samsa: broker.id=2 (from server.properties:2) must equal node.id=1 (from server.properties:1)"],
            mismatch.Errors);
    }

    [Fact]
    public void A_wildcard_listener_advertises_the_host_name()
    {
        BrokerSettings settings = Valid(("listeners", "PLAINTEXT://:9092,INTERNAL://10.0.0.5:9094"),
            ("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT"));

        Assert.Equal(
        [
            new ListenerEndpoint("PLAINTEXT", "samsa-host", 9092),
            new ListenerEndpoint("INTERNAL", "10.0.0.5", 9094),
        ], settings.AdvertisedListeners);
        Assert.True(settings.Listeners[0].AdvertisesHostName);
        Assert.False(settings.Listeners[1].AdvertisesHostName);
    }

    [Fact]
    public void Advertised_listeners_override_per_name_and_leave_out_the_others()
    {
        BrokerSettings settings = Valid(("listeners", "PLAINTEXT://:9092,plaintext_host://:29092"),
            ("advertised.listeners", "PLAINTEXT_HOST://localhost:29092"),
            ("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT"));

        Assert.Equal([new ListenerEndpoint("PLAINTEXT_HOST", "localhost", 29092)], settings.AdvertisedListeners);
        Assert.Equal("PLAINTEXT_HOST", settings.InterBrokerListenerName);
    }

    [Fact]
    public void Advertising_loopback_from_a_listener_that_binds_every_interface_is_a_warning()
    {
        ConfigLoadResult result = ConfigTestSources.LoadNode(("listeners", "PLAINTEXT://0.0.0.0:9092"),
            ("advertised.listeners", "PLAINTEXT://localhost:9092"));

        ConfigWarning warning = Assert.Single(result.Warnings);
        Assert.Equal(ConfigWarningKind.AdvertisedLoopback, warning.Kind);
        Assert.Equal("listener PLAINTEXT binds every interface but advertises PLAINTEXT://localhost:9092: clients on "
            + "other hosts would connect to themselves; set advertised.listeners to an address they can reach",
            warning.Message);
    }

    [Fact]
    public void Advertising_loopback_in_a_cluster_spread_over_hosts_is_a_warning()
    {
        ConfigLoadResult result = ConfigTestSources.LoadNode(("listeners", "PLAINTEXT://127.0.0.1:9092"),
            ("process.roles", "broker"), ("controller.quorum.voters", "3@controller:9093"));

        Assert.Contains("while the cluster has nodes on other hosts (controller:9093)",
            Assert.Single(result.Warnings).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loopback_on_a_loopback_node_is_fine()
    {
        ConfigLoadResult result = ConfigTestSources.LoadNode(("listeners", "PLAINTEXT://127.0.0.1:9092"));

        Assert.Empty(result.Warnings);
        Assert.Equal([new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 9092)], result.Settings!.AdvertisedListeners);
    }

    [Theory]
    [InlineData("advertised.listeners", "OTHER://h:1",
        "samsa: advertised.listeners=OTHER://h:1 (from --advertised.listeners) names listener OTHER, which listeners "
            + "does not define")]
    [InlineData("advertised.listeners", "PLAINTEXT://0.0.0.0:9092",
        "samsa: advertised.listeners=PLAINTEXT://0.0.0.0:9092 (from --advertised.listeners) advertises 0.0.0.0 for "
            + "PLAINTEXT, an address no client can connect to")]
    [InlineData("listeners", "PLAINTEXT://:9092,EXTERNAL://:9093",
        "samsa: listeners=PLAINTEXT://:9092,EXTERNAL://:9093 (from --listeners) names listener EXTERNAL, which "
            + "listener.security.protocol.map does not map")]
    [InlineData("listeners", "SSL://:9093",
        "samsa: listeners=SSL://:9093 (from --listeners) puts listener SSL on SSL; Samsa serves PLAINTEXT only")]
    [InlineData("listeners", "A://:9092,B://:9092",
        "samsa: listeners=A://:9092,B://:9092 (from --listeners) uses port 9092 twice")]
    [InlineData("inter.broker.listener.name", "REPLICATION",
        "samsa: inter.broker.listener.name=REPLICATION (from --inter.broker.listener.name) is not one of the "
            + "advertised listeners (PLAINTEXT)")]
    [InlineData("queued.max.request.bytes", "1000",
        "samsa: queued.max.request.bytes=1000 (from --queued.max.request.bytes) must be -1 or at least "
            + "socket.request.max.bytes=104857600")]
    [InlineData("group.min.session.timeout.ms", "2000000",
        "samsa: group.min.session.timeout.ms=2000000 (from --group.min.session.timeout.ms) must not exceed "
            + "group.max.session.timeout.ms=1800000 (from default)")]
    [InlineData("broker.heartbeat.interval.ms", "10000",
        "samsa: broker.heartbeat.interval.ms=10000 (from --broker.heartbeat.interval.ms) must not exceed "
            + "broker.session.timeout.ms=9000 (from default)")]
    [InlineData("http.listeners", "http://:9092",
        "samsa: http.listeners=http://:9092 (from --http.listeners) uses port 9092, which listeners uses too")]
    [InlineData("http.listeners", "https://:8443",
        "samsa: http.listeners=https://:8443 (from --http.listeners) has https://:8443, which is not http://HOST:PORT")]
    [InlineData("process.roles", "controller,controller",
        "samsa: process.roles=controller,controller (from --process.roles) names controller twice")]
    [InlineData("process.roles", "",
        "samsa: process.roles= (from --process.roles) must name broker, controller or both")]
    [InlineData("controller.quorum.voters", "2@c:9093",
        "samsa: controller.quorum.voters=2@c:9093 (from --controller.quorum.voters) does not include node.id=1, "
            + "which has the controller role")]
    [InlineData("controller.quorum.voters", "1@c:9093,1@d:9093",
        "samsa: controller.quorum.voters=1@c:9093,1@d:9093 (from --controller.quorum.voters) names voter 1 twice")]
    [InlineData("controller.quorum.voters", "1@c",
        "samsa: controller.quorum.voters=1@c (from --controller.quorum.voters) has 1@c, which is not "
            + "{id}@{host}:{port}")]
    [InlineData("controller.listener.names", "CONTROLLER",
        "samsa: controller.listener.names=CONTROLLER (from --controller.listener.names) names CONTROLLER, which "
            + "listeners does not define")]
    public void Inconsistent_keys_are_refused_with_one_line(string key, string value, string expected) =>
        Assert.Equal(expected, SingleError((key, value)));

    [Fact]
    public void A_broker_only_node_needs_to_find_the_controllers_and_must_not_be_a_voter()
    {
        Assert.Equal("samsa: process.roles=broker (from --process.roles) needs controller.quorum.voters or "
            + "controller.quorum.bootstrap.servers to find the controllers", SingleError(("process.roles", "broker")));
        Assert.Equal("samsa: controller.quorum.voters=1@c:9093 (from --controller.quorum.voters) includes node.id=1, "
            + "which lacks the controller role",
            SingleError(("process.roles", "broker"), ("controller.quorum.voters", "1@c:9093")));
        Assert.Equal("samsa: listeners=PLAINTEXT://:9092,CONTROLLER://:9093 (from --listeners) has controller listener "
            + "CONTROLLER on a node without the controller role",
            SingleError(("process.roles", "broker"), ("controller.quorum.bootstrap.servers", "c:9093"),
                ("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093"), ("controller.listener.names", "CONTROLLER")));
    }

    [Fact]
    public void Controller_listeners_are_plaintext_by_default_and_never_advertised()
    {
        BrokerSettings settings = Valid(("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093"),
            ("controller.listener.names", "controller"), ("controller.quorum.voters", "1@localhost:9093"));

        ConfiguredListener controller = settings.Listeners.Single(l => l.Name == "CONTROLLER");
        Assert.True(controller.IsController);
        Assert.Equal("PLAINTEXT", controller.SecurityProtocol);
        Assert.Null(controller.Advertised);
        Assert.Equal(["CONTROLLER"], settings.ControllerListenerNames);
        Assert.Equal([new QuorumVoter(1, new ServerAddress("localhost", 9093))], settings.ControllerQuorumVoters);
        Assert.Equal([new ListenerEndpoint("PLAINTEXT", "samsa-host", 9092)], settings.AdvertisedListeners);
    }

    [Fact]
    public void Log_dirs_fall_back_to_log_dir()
    {
        Assert.Equal(["/a", "/b"], Valid(("log.dirs", "/a, /b"), ("log.dir", "/c")).LogDirs);
        Assert.Equal(["/c"], Valid(("log.dir", "/c")).LogDirs);
    }

    [Fact]
    public void Memory_and_queued_bytes_derive_from_the_machine_unless_set()
    {
        BrokerSettings set = Valid(("samsa.memory", "1g"));
        BrokerSettings small = Valid(("samsa.memory", "128m"));

        Assert.Equal(1L << 30, set.MemoryBytes);
        Assert.Equal(256L << 20, set.QueuedMaxRequestBytes);
        Assert.Equal(100L << 20, small.QueuedMaxRequestBytes);   // never below socket.request.max.bytes
        Assert.Equal(200L << 20, Valid(("queued.max.request.bytes", "209715200")).QueuedMaxRequestBytes);
        Assert.Equal(Timeout.InfiniteTimeSpan, Valid(("connections.max.idle.ms", "-1")).ConnectionsMaxIdle);
    }

    [Fact]
    public void Log_options_come_from_the_log_keys()
    {
        BrokerSettings settings = Valid(("log.segment.bytes", "1048576"), ("log.roll.hours", "2"),
            ("log.retention.minutes", "90"), ("log.retention.bytes", "5000000"), ("log.index.interval.bytes", "8192"),
            ("log.flush.mode", "fsync"), ("log.message.timestamp.type", "LogAppendTime"));

        LogOptions options = settings.LogOptions;
        Assert.Equal(1 << 20, options.SegmentBytes);
        Assert.Equal(TimeSpan.FromHours(2), options.SegmentTime);
        Assert.Equal(TimeSpan.FromMinutes(90), options.RetentionTime);
        Assert.Equal(5_000_000, options.RetentionBytes);
        Assert.Equal(8192, options.IndexIntervalBytes);
        Assert.Equal(LogFlushMode.Fsync, options.FlushMode);
        Assert.Equal(TimestampType.LogAppendTime, options.MessageTimestampType);
        Assert.Equal(LogOptions.Default, Valid().LogOptions);
    }

    [Fact]
    public void Storage_options_carry_dirs_ids_and_defaults()
    {
        BrokerSettings settings = Valid(("log.dirs", "/a,/b"), ("num.recovery.threads.per.data.dir", "4"));

        LogManagerOptions options = settings.ToLogManagerOptions("cluster-1");

        Assert.Equal(["/a", "/b"], options.LogDirs);
        Assert.Equal("cluster-1", options.ClusterId);
        Assert.Equal(1, options.NodeId);
        Assert.Equal(4, options.RecoveryThreadsPerDataDir);
        Assert.Same(settings.LogOptions, options.DefaultLogOptions);
    }

    [Fact]
    public void Broker_config_values_put_the_metadata_images_dynamic_values_over_the_static_ones()
    {
        BrokerSettings settings = Valid(("log.retention.hours", "48"));

        BrokerConfigValues values = settings.ToBrokerConfigValues(
            dynamicDefault: new Dictionary<string, string> { ["log.retention.ms"] = "1000" });

        Assert.Equal("48", values.Static["log.retention.hours"]);
        Assert.Equal(1000, ConfigResolver.ResolveTopicValue(TopicConfigs.RetentionMs, new Dictionary<string, string>(),
            values));
    }
}
