using Samsa.Cli.Topics;

namespace Samsa.Tests.Cli;

public sealed class TopicsApplierTests : IDisposable
{
    private static readonly ApplyOptions Options = new() { Timeout = TimeSpan.FromSeconds(60) };

    private readonly InstantTimeProvider _time = new();
    private readonly FakeTopicAdmin _admin;

    public TopicsApplierTests() => _admin = new FakeTopicAdmin(_time);

    public void Dispose() => _admin.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TopicSpec Topic(string name, int partitions = 3, short replicationFactor = 1,
        params (string Name, string Value)[] configs) =>
        new(name, partitions, replicationFactor,
            configs.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal));

    private static readonly TopicSpec[] Platform =
    [
        Topic("cv_parsing", configs: ("retention.ms", "604800000")),
        Topic("logs", 6, configs: [("retention.ms", "259200000"), ("segment.bytes", "134217728")]),
        Topic("emails"),
    ];

    private Task<ApplyReport> ApplyAsync(IReadOnlyList<TopicSpec> topics, ApplyOptions? options = null) =>
        new TopicsApplier(_admin, _time).ApplyAsync(topics, options ?? Options, Ct);

    [Fact]
    public async Task Missing_topics_are_created_in_one_request_and_a_second_apply_changes_nothing()
    {
        ApplyReport first = await ApplyAsync(Platform);
        ApplyReport second = await ApplyAsync(Platform);

        Assert.All(first.Topics, t => Assert.Equal(TopicStatus.Created, t.Status));
        Assert.Equal(["cv_parsing", "logs", "emails"], first.Topics.Select(t => t.Spec.Name));
        Assert.Equal(0, first.ExitCode(failOnDrift: true));
        Assert.All(second.Topics, t => Assert.Equal(TopicStatus.Unchanged, t.Status));
        Assert.All(second.Topics, t => Assert.Empty(t.Differences));
        Assert.Equal(0, second.ExitCode(failOnDrift: true));
        Assert.Single(_admin.CreateRequests);
        Assert.Equal(3, _admin.CreateRequests[0].Count);
        Assert.Empty(_admin.ConfigChanges);
    }

    [Fact]
    public async Task Only_the_missing_topics_are_created()
    {
        _admin.Topics["logs"] = FakeTopicAdmin.StateOf(Platform[1]);

        ApplyReport report = await ApplyAsync(Platform);

        Assert.Equal([TopicStatus.Created, TopicStatus.Unchanged, TopicStatus.Created],
            report.Topics.Select(t => t.Status));
        Assert.Equal(["cv_parsing", "emails"], _admin.CreateRequests.Single().Select(t => t.Name));
    }

    [Fact]
    public async Task A_topic_a_concurrent_apply_created_first_counts_as_success_when_it_matches()
    {
        _admin.BeforeCreate = () => _admin.Topics["logs"] = FakeTopicAdmin.StateOf(Platform[1]);

        ApplyReport report = await ApplyAsync(Platform);

        Assert.Equal([TopicStatus.Created, TopicStatus.Unchanged, TopicStatus.Created],
            report.Topics.Select(t => t.Status));
        Assert.Equal(0, report.ExitCode(failOnDrift: true));
    }

    [Fact]
    public async Task A_topic_someone_else_created_differently_is_reported_not_failed()
    {
        _admin.BeforeCreate = () => _admin.Topics["logs"] = FakeTopicAdmin.StateOf(Platform[1], partitions: 1);

        ApplyReport report = await ApplyAsync(Platform);

        TopicOutcome logs = report.Topics[1];
        Assert.Equal(TopicStatus.Differs, logs.Status);
        Assert.Equal(new TopicDifference(TopicDifferenceKind.Partitions, "partitions", "6", "1"),
            Assert.Single(logs.Differences));
        Assert.Equal(0, report.ExitCode(failOnDrift: false));
        Assert.Equal(2, report.ExitCode(failOnDrift: true));
    }

    [Fact]
    public async Task An_existing_topic_that_differs_is_reported_and_left_alone()
    {
        _admin.Topics["logs"] = FakeTopicAdmin.StateOf(Topic("logs", 12, configs: ("retention.ms", "1000")));

        ApplyReport report = await ApplyAsync(Platform);

        TopicOutcome logs = report.Topics[1];
        Assert.Equal(TopicStatus.Differs, logs.Status);
        Assert.Equal(
        [
            new TopicDifference(TopicDifferenceKind.Partitions, "partitions", "6", "12"),
            new TopicDifference(TopicDifferenceKind.Config, "retention.ms", "259200000", "1000"),
            new TopicDifference(TopicDifferenceKind.Config, "segment.bytes", "134217728", "1073741824"),
        ], logs.Differences);
        Assert.Empty(_admin.ConfigChanges);
        Assert.Equal(12, _admin.Topics["logs"].Partitions);
    }

    [Fact]
    public async Task Alter_configs_sets_only_the_configs_that_differ_and_never_the_partitions()
    {
        _admin.Topics["logs"] = FakeTopicAdmin.StateOf(
            Topic("logs", 12, configs: [("retention.ms", "1000"), ("segment.bytes", "134217728")]));

        ApplyReport report = await ApplyAsync(Platform, Options with { AlterConfigs = true });

        (string topic, IReadOnlyDictionary<string, string> configs) = Assert.Single(_admin.ConfigChanges);
        Assert.Equal("logs", topic);
        Assert.Equal(new Dictionary<string, string> { ["retention.ms"] = "259200000" }, configs);
        TopicOutcome outcome = report.Topics[1];
        Assert.Equal(TopicStatus.Altered, outcome.Status);
        Assert.Equal(["retention.ms"], outcome.AlteredConfigs);
        Assert.Equal(TopicDifferenceKind.Partitions, Assert.Single(outcome.Differences).Kind);
        Assert.Equal(12, _admin.Topics["logs"].Partitions);

        ApplyReport again = await ApplyAsync(Platform, Options with { AlterConfigs = true });
        Assert.Single(_admin.ConfigChanges);
        Assert.Equal(TopicStatus.Differs, again.Topics[1].Status);
    }

    [Fact]
    public async Task Creation_waits_until_enough_brokers_are_live_for_the_replication_factor()
    {
        _admin.LiveBrokers.Clear();
        _admin.LiveBrokers.AddRange([1, 1, 1, 2]);

        ApplyReport report = await ApplyAsync([Topic("cv_parsing", replicationFactor: 2)]);

        Assert.Equal(TopicStatus.Created, Assert.Single(report.Topics).Status);
        Assert.Equal(4, _admin.DescribeCalls);
        Assert.Equal(2, report.LiveBrokers);
        Assert.True(_time.Elapsed < Options.Timeout);
    }

    [Fact]
    public async Task Existing_topics_need_no_brokers_beyond_those_that_answer()
    {
        _admin.Topics["cv_parsing"] = FakeTopicAdmin.StateOf(Topic("cv_parsing", replicationFactor: 2));

        ApplyReport report = await ApplyAsync([Topic("cv_parsing", replicationFactor: 2)]);

        Assert.Equal(TopicStatus.Unchanged, Assert.Single(report.Topics).Status);
        Assert.Equal(1, _admin.DescribeCalls);
    }

    [Fact]
    public async Task At_the_deadline_a_topic_needing_more_brokers_fails_and_the_others_are_created()
    {
        ApplyReport report = await ApplyAsync([Topic("cv_parsing", replicationFactor: 3), Topic("emails")],
            Options with { Timeout = TimeSpan.FromSeconds(30) });

        Assert.Equal(TopicStatus.Failed, report.Topics[0].Status);
        Assert.Equal("replication-factor 3 needs 3 live brokers; the cluster had 1 after waiting 30s",
            report.Topics[0].Error);
        Assert.Equal(TopicStatus.Created, report.Topics[1].Status);
        Assert.Equal(1, report.ExitCode(failOnDrift: false));
        Assert.InRange(_time.Elapsed, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31));
    }

    [Fact]
    public async Task A_cluster_that_answers_late_is_waited_for()
    {
        _admin.UnreachableCalls = 3;

        ApplyReport report = await ApplyAsync(Platform);

        Assert.Null(report.Error);
        Assert.All(report.Topics, t => Assert.Equal(TopicStatus.Created, t.Status));
    }

    [Fact]
    public async Task A_cluster_that_never_answers_is_an_error_once_the_timeout_passes()
    {
        _admin.UnreachableCalls = -1;

        ApplyReport report = await ApplyAsync(Platform, Options with { Timeout = TimeSpan.FromSeconds(20) });

        Assert.Equal("no answer from the cluster within 20s: Connection refused", report.Error);
        Assert.Empty(report.Topics);
        Assert.Equal(1, report.ExitCode(failOnDrift: false));
        Assert.Empty(_admin.CreateRequests);
        // The last request may start just before the deadline; it is bounded by the request timeout.
        Assert.InRange(_time.Elapsed, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20) + Options.RequestTimeout);
    }

    [Fact]
    public async Task A_creation_the_broker_refuses_fails_the_run()
    {
        _admin.CreateErrors["emails"] = "Unknown topic config name: bogus (INVALID_CONFIG)";

        ApplyReport report = await ApplyAsync(Platform);

        Assert.Equal(TopicStatus.Failed, report.Topics[2].Status);
        Assert.Equal("Unknown topic config name: bogus (INVALID_CONFIG)", report.Topics[2].Error);
        Assert.Equal(TopicStatus.Created, report.Topics[0].Status);
        Assert.Equal(1, report.ExitCode(failOnDrift: false));
    }
}
