using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Samsa.Cli;
using Samsa.Cli.Dev;
using Samsa.Cli.Topics;
using Samsa.Configuration;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests;

/// <summary>
/// <c>samsa topics apply</c> and <c>samsa dev</c> against real nodes: the verbs run in this process through their
/// commands (as Program.cs runs them), except the smoke tests that start the built executable as a child process.
/// </summary>
public sealed partial class TopicsApplyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly string[] PlatformTopics =
    [
        "cv_parsing", "cv_embedding_generation", "job_embedding_generation", "profile_embedding_generation", "logs",
        "emails",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Apply_creates_the_six_platform_topics_as_the_file_declares_them()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using var topics = new TempFile(TopicsFile.ReadBuiltIn());

        Result result = await ApplyAsync(topics.Path, cluster.BootstrapServers);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal(Enumerable.Repeat("created", 6), Statuses(result));
        using IAdminClient admin = cluster.CreateAdmin();
        Dictionary<string, int> partitions = Partitions(admin);
        Assert.Equal(PlatformTopics.Order(), partitions.Keys.Where(PlatformTopics.Contains).Order());
        Assert.Equal(6, partitions["cv_embedding_generation"]);
        Assert.Equal(3, partitions["emails"]);
        Dictionary<string, ConfigEntryResult> logs = await DescribeConfigsAsync(admin, "logs");
        Assert.Equal("259200000", logs["retention.ms"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, logs["retention.ms"].Source);
        Assert.Equal("delete", logs["cleanup.policy"].Value);
    }

    [Fact]
    public async Task Applying_again_changes_nothing_and_exits_0()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using var topics = new TempFile(TopicsFile.ReadBuiltIn());
        Result first = await ApplyAsync(topics.Path, cluster.BootstrapServers);
        Assert.True(first.ExitCode == 0, first.Describe());

        Result second = await ApplyAsync(topics.Path, cluster.BootstrapServers, "--fail-on-drift");
        Result table = await RunAsync("topics", "apply", topics.Path, "--bootstrap", cluster.BootstrapServers);

        Assert.True(second.ExitCode == 0, second.Describe());
        Assert.Equal(Enumerable.Repeat("unchanged", 6), Statuses(second));
        Assert.All(Topics(second), t => Assert.Equal(0, t.GetProperty("differences").GetArrayLength()));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("6 topics: 6 unchanged.", table.Output, StringComparison.Ordinal);
        Assert.Equal("", table.Error);
    }

    [Fact]
    public async Task A_topic_with_other_partitions_or_configs_is_reported_and_changed_only_as_asked()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using IAdminClient admin = cluster.CreateAdmin();
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "logs", NumPartitions = 2, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "1000" },
        }]).WaitAsync(Deadline, Ct);
        using var topics = new TempFile(TopicsFile.ReadBuiltIn());

        Result reported = await ApplyAsync(topics.Path, cluster.BootstrapServers);
        Result failing = await ApplyAsync(topics.Path, cluster.BootstrapServers, "--fail-on-drift");
        Result altered = await ApplyAsync(topics.Path, cluster.BootstrapServers, "--alter-configs");

        Assert.True(reported.ExitCode == 0, reported.Describe());
        JsonElement logs = Topics(reported).Single(t => t.GetProperty("name").GetString() == "logs");
        Assert.Equal("differs", logs.GetProperty("status").GetString());
        string[] differences = [.. logs.GetProperty("differences").EnumerateArray().Select(d =>
            $"{d.GetProperty("name")}: {d.GetProperty("expected")} vs {d.GetProperty("actual")}")];
        Assert.Contains("partitions: 6 vs 2", differences);
        Assert.Contains("retention.ms: 259200000 vs 1000", differences);
        Assert.Equal(2, failing.ExitCode);
        Assert.True(altered.ExitCode == 0, altered.Describe());
        Assert.Equal("altered", Topics(altered).Single(t => t.GetProperty("name").GetString() == "logs")
            .GetProperty("status").GetString());
        Assert.Equal("259200000", (await DescribeConfigsAsync(admin, "logs"))["retention.ms"].Value);
        Assert.Equal(2, Partitions(admin)["logs"]);
    }

    [Fact]
    public async Task Two_concurrent_applies_both_succeed_and_each_topic_is_created_once()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using var topics = new TempFile(TopicsFile.ReadBuiltIn());

        Result[] results = await Task.WhenAll(
            ApplyAsync(topics.Path, cluster.BootstrapServers, "--fail-on-drift"),
            ApplyAsync(topics.Path, cluster.BootstrapServers, "--fail-on-drift"));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Describe()));
        for (int i = 0; i < PlatformTopics.Length; i++)
        {
            string[] statuses = [.. results.Select(r => Statuses(r)[i])];
            Assert.Equal(1, statuses.Count(s => s == "created"));
            Assert.Contains("unchanged", statuses);
        }

        using IAdminClient admin = cluster.CreateAdmin();
        Assert.Equal(6, Partitions(admin)["job_embedding_generation"]);
    }

    [Fact]
    public async Task Apply_waits_for_a_broker_that_starts_after_it()
    {
        using var topics = new TempFile(TopicsFile.ReadBuiltIn());
        // Until the broker starts, the port turns apply away: each connection is taken and reset at once. Apply is
        // waiting, not giving up, once it has come back after being turned away.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<Result> apply;
        try
        {
            apply = ApplyAsync(topics.Path, $"127.0.0.1:{port}", "--timeout", "60s");
            for (int attempt = 0; attempt < 2; attempt++)
            {
                using TcpClient turnedAway = await listener.AcceptTcpClientAsync(Ct).AsTask().WaitAsync(Deadline, Ct);
                turnedAway.Client.LingerState = new LingerOption(enable: true, seconds: 0);   // close with a reset
            }
        }
        finally
        {
            listener.Stop();
        }
        Assert.False(apply.IsCompleted);

        await using SamsaCluster cluster =
            await SamsaCluster.StartAsync(p => p["listeners"] = $"PLAINTEXT://127.0.0.1:{port}");
        Result result = await apply.WaitAsync(Deadline, Ct);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal(Enumerable.Repeat("created", 6), Statuses(result));
    }

    [Fact]
    public async Task Apply_to_a_cluster_that_never_answers_exits_1_after_its_timeout()
    {
        int port = LoopbackPort.Free();
        using var topics = new TempFile(TopicsFile.ReadBuiltIn());
        long start = Stopwatch.GetTimestamp();

        Result result = await RunAsync("topics", "apply", topics.Path, "--bootstrap", $"127.0.0.1:{port}",
            "--timeout", "2s");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"samsa: 127.0.0.1:{port}: no answer from the cluster within 2s", result.Error,
            StringComparison.Ordinal);
        Assert.InRange(Stopwatch.GetElapsedTime(start), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_topic_needing_more_brokers_than_the_cluster_has_fails_after_the_timeout()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using var topics = new TempFile("topics:\n  one:\n    partitions: 1\n    replication-factor: 1\n"
            + "  two:\n    partitions: 1\n    replication-factor: 2\n");

        Result result = await ApplyAsync(topics.Path, cluster.BootstrapServers, "--timeout", "1s");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["created", "failed"], Statuses(result));
        Assert.Contains("samsa: topic two: replication-factor 2 needs 2 live brokers; the cluster had 1", result.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_shows_the_topics()
    {
        await using SamsaCluster cluster = await SamsaCluster.StartAsync();
        using var topics = new TempFile(TopicsFile.ReadBuiltIn());
        Result applied = await RunAsync("topics", "apply", topics.Path, "--bootstrap", cluster.BootstrapServers);
        Assert.Equal(0, applied.ExitCode);

        Result result = await RunAsync("topics", "list", "--bootstrap", cluster.BootstrapServers);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Matches(@"│ logs +│ +6 │ +1 │", result.Output);
    }

    [Fact]
    public async Task Dev_starts_a_node_applies_the_topics_keeps_them_across_restarts_and_reset_wipes_them()
    {
        using var temp = new TempDirectory("samsa-it-dev-");
        string directory = temp.Path;
        string data = Path.Combine(directory, "data");
        string[] flags =
            ["--listeners=PLAINTEXT://127.0.0.1:0", "--http.listeners=http://127.0.0.1:0", $"--log.dirs={data}"];

        string first = await RunDevAsync(flags, async bootstrap =>
        {
            using IAdminClient admin = CreateAdmin(bootstrap);
            Assert.Equal(6, Partitions(admin)["profile_embedding_generation"]);
            await CreateTopicAsync(admin, "scratch");
        });
        string second = await RunDevAsync(flags, bootstrap =>
        {
            using IAdminClient admin = CreateAdmin(bootstrap);
            Assert.Contains("scratch", Partitions(admin).Keys);
            return Task.CompletedTask;
        });
        string reset = await RunDevAsync([.. flags, "--reset"], bootstrap =>
        {
            using IAdminClient admin = CreateAdmin(bootstrap);
            Assert.DoesNotContain("scratch", Partitions(admin).Keys);
            return Task.CompletedTask;
        });

        Assert.Contains("6 topics: 6 created.", first, StringComparison.Ordinal);
        Assert.Contains("6 topics: 6 unchanged.", second, StringComparison.Ordinal);
        Assert.Contains("Deleted " + data, reset, StringComparison.Ordinal);
        Assert.Contains("6 topics: 6 created.", reset, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_as_a_child_process_keeps_its_data_under_data_dev_and_stops_cleanly_on_SIGTERM()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGTERM needs a POSIX system");
        using var temp = new TempDirectory("samsa-it-devproc-");
        string directory = temp.Path;
        ChildProcess dev = ChildProcess.Start(RepoPaths.DotnetHost(),
            [
                RepoPaths.SamsaDll(), "dev", "--listeners=PLAINTEXT://127.0.0.1:0",
                "--http.listeners=http://127.0.0.1:0",
            ],
            directory, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        await using (dev)
        {
            await dev.WaitForLineAsync(l => l.StartsWith("Ready.", StringComparison.Ordinal), Deadline);
            Assert.Contains("6 topics: 6 created.", dev.StandardOutput, StringComparison.Ordinal);
            dev.Signal(SigTerm);
            await dev.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(dev.ExitCode == 0, dev.Describe());
            Assert.Contains("Stopping.", dev.StandardOutput, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Path.Combine(directory, "data", "dev", "meta.properties")));
        Assert.True(Directory.Exists(Path.Combine(directory, "data", "dev", "logs-0")));
    }

    [Fact]
    public async Task The_executable_shows_help_and_refuses_a_bad_value_with_one_line()
    {
        ChildProcess.Completed help = await ChildProcess.RunAsync(RepoPaths.DotnetHost(),
            [RepoPaths.SamsaDll(), "broker", "--help"], Deadline);
        ChildProcess.Completed bad = await ChildProcess.RunAsync(RepoPaths.DotnetHost(),
            [RepoPaths.SamsaDll(), "dev", "--min.insync.replicas=0"], Deadline, workingDirectory: Path.GetTempPath());

        Assert.True(help.ExitCode == 0, help.Describe());
        Assert.Contains("--node.id", help.StandardOutput, StringComparison.Ordinal);
        Assert.True(bad.ExitCode == 1, bad.Describe());
        Assert.Equal("samsa: min.insync.replicas=0 (from --min.insync.replicas) must be at least 1",
            bad.StandardError.Trim());
    }

    // Runs samsa dev in this process until it is ready, runs check against it, stops it as Ctrl-C would, and
    // returns what it printed.
    private static async Task<string> RunDevAsync(string[] flags, Func<string, Task> check)
    {
        var context = new CliContext(new Dictionary<string, string>(), MachineInfo.Current);
        var root = new RootCommand();
        root.Subcommands.Add(DevCommand.Create(context));
        var output = new LineCollector();
        var error = new LineCollector();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<int> run = root.Parse(["dev", .. flags])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, stop.Token);
        try
        {
            Task ready = output.WhenWrittenAsync("Ready.");
            try
            {
                await Task.WhenAny(ready, run).WaitAsync(Deadline, Ct);
            }
            catch (TimeoutException)
            {
            }
            if (!ready.IsCompleted) Assert.Fail($"samsa dev did not get ready\n{output.Text}\n{error.Text}");

            string bootstrap = BootstrapLine().Match(output.Text).Groups[1].Value;
            await check(bootstrap);
        }
        finally
        {
            await stop.CancelAsync();
        }

        int exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(exitCode == 0, output.Text + error.Text);
        Assert.EndsWith("Stopping.\n", output.Text, StringComparison.Ordinal);
        return output.Text;
    }

    // Runs a topics verb as Program.cs would; with --json, Statuses and Topics read what it printed.
    private static async Task<Result> RunAsync(params string[] args)
    {
        var root = new RootCommand();
        var context = new CliContext(new Dictionary<string, string>(), MachineInfo.Current);
        root.Subcommands.Add(TopicsCommand.Create(context));
        var output = new LineCollector();
        var error = new LineCollector();
        int exitCode = await root.Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct)
            .WaitAsync(TimeSpan.FromSeconds(90), Ct);
        return new Result(exitCode, output.Text, error.Text, args.Contains("--json"));
    }

    private static Task<Result> ApplyAsync(string file, string bootstrap, params string[] flags) =>
        RunAsync(["topics", "apply", file, "--bootstrap", bootstrap, "--json", .. flags]);

    private static string[] Statuses(Result result) =>
        [.. Topics(result).Select(t => t.GetProperty("status").GetString()!)];

    private static JsonElement[] Topics(Result result)
    {
        Assert.True(result.IsJson, "ran without --json");
        using var document = JsonDocument.Parse(result.Output);
        return [.. document.RootElement.GetProperty("topics").EnumerateArray().Select(t => t.Clone())];
    }

    private static IAdminClient CreateAdmin(string bootstrap) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();

    private static Dictionary<string, int> Partitions(IAdminClient admin) =>
        admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);

    private static async Task CreateTopicAsync(IAdminClient admin, string name) =>
        await admin.CreateTopicsAsync(
            [new TopicSpecification { Name = name, NumPartitions = 1, ReplicationFactor = 1 }]).WaitAsync(Deadline, Ct);

    private static async Task<Dictionary<string, ConfigEntryResult>> DescribeConfigsAsync(IAdminClient admin,
        string topic)
    {
        List<DescribeConfigsResult> results = await admin.DescribeConfigsAsync(
            [new ConfigResource { Type = ResourceType.Topic, Name = topic }]).WaitAsync(Deadline, Ct);
        return results.Single().Entries;
    }

    private const int SigTerm = 15;

    [GeneratedRegex(@"bootstrap\.servers=(\S+)")]
    private static partial Regex BootstrapLine();

    private sealed record Result(int ExitCode, string Output, string Error, bool IsJson)
    {
        public string Describe() => $"exit code {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
    }

    // Output written by the command on other threads, read by the test while it runs.
    private sealed class LineCollector : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly List<(string Text, TaskCompletionSource Written)> _awaited = [];

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text) return _text.ToString().ReplaceLineEndings("\n");
            }
        }

        /// <summary>Completes once a whole line holding <paramref name="text"/> has been written.</summary>
        public Task WhenWrittenAsync(string text)
        {
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_text)
            {
                _awaited.Add((text, written));
                Check();
            }
            return written.Task;
        }

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
                if (value == '\n') Check();
            }
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
                if (value?.Contains('\n', StringComparison.Ordinal) == true) Check();
            }
        }

        // Under the lock: completes the waits whose text is in a line that has ended.
        private void Check()
        {
            if (_awaited.Count == 0) return;
            string text = _text.ToString();
            string ended = text[..(text.LastIndexOf('\n') + 1)];
            foreach ((string wanted, TaskCompletionSource written) in _awaited)
            {
                if (ended.Contains(wanted, StringComparison.Ordinal)) written.TrySetResult();
            }
            _awaited.RemoveAll(a => a.Written.Task.IsCompleted);
        }
    }

    private sealed class TempFile : IDisposable
    {
        public TempFile(string text)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"samsa-topics-{Guid.NewGuid():N}.yaml");
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
