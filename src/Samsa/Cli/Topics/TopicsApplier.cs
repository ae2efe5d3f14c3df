using System.Globalization;

namespace Samsa.Cli.Topics;

// Makes a cluster hold the declared topics, through the Admin API only, so it is safe to run from several places at
// once (an init container, samsa dev, a developer's shell). Order: wait, bounded by the timeout, until the cluster
// answers and lists enough live brokers for the replication factor of every topic still to be created (an init job
// that starts with the brokers must not fail or under-replicate); create what is missing in one request; treat
// TOPIC_ALREADY_EXISTS as a concurrent creator's success and compare what it made; compare existing topics with the
// file; set differing configs only when asked. Partition counts and replication factors are reported, never
// changed, and nothing is deleted. One instance serves one run; it holds no state between runs.
internal sealed class TopicsApplier(ITopicAdmin admin, TimeProvider time)
{
    // A topic another creator has just made may take a moment to appear in metadata.
    private static readonly TimeSpan VisibilityGrace = TimeSpan.FromSeconds(10);

    public async Task<ApplyReport> ApplyAsync(IReadOnlyList<TopicSpec> topics, ApplyOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(options);
        DateTimeOffset deadline = time.GetUtcNow() + options.Timeout;
        string[] names = [.. topics.Select(t => t.Name)];

        (ClusterSnapshot? snapshot, string? lastError) = await WaitForClusterAsync(topics, names, options, deadline,
            cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return new ApplyReport([], -1, $"no answer from the cluster within {Format(options.Timeout)}"
                + (lastError is null ? "" : ": " + lastError));
        }

        var outcomes = new TopicOutcome?[topics.Count];
        var toCreate = new List<int>();
        for (int i = 0; i < topics.Count; i++)
        {
            TopicSpec spec = topics[i];
            if (snapshot.Topics.TryGetValue(spec.Name, out TopicState? state))
                outcomes[i] = Compare(spec, state);
            else if (spec.ReplicationFactor > snapshot.LiveBrokers)
                outcomes[i] = Failed(spec, NotEnoughBrokers(spec, snapshot.LiveBrokers, options.Timeout));
            else
                toCreate.Add(i);
        }

        List<int> concurrentlyCreated = await CreateAsync(topics, toCreate, outcomes, options, cancellationToken)
            .ConfigureAwait(false);
        if (concurrentlyCreated.Count > 0)
        {
            await CompareConcurrentlyCreatedAsync(topics, concurrentlyCreated, outcomes, options, deadline,
                cancellationToken).ConfigureAwait(false);
        }

        if (options.AlterConfigs)
            await AlterConfigsAsync(outcomes, options, cancellationToken).ConfigureAwait(false);
        return new ApplyReport([.. outcomes.Select(o => o!)], snapshot.LiveBrokers);
    }

    private async Task<(ClusterSnapshot? Snapshot, string? LastError)> WaitForClusterAsync(
        IReadOnlyList<TopicSpec> topics, string[] names, ApplyOptions options, DateTimeOffset deadline,
        CancellationToken cancellationToken)
    {
        ClusterSnapshot? snapshot = null;
        string? lastError = null;
        while (true)
        {
            try
            {
                snapshot = await admin.DescribeAsync(names, RequestTimeout(options, deadline), cancellationToken)
                    .ConfigureAwait(false);
                if (snapshot.LiveBrokers >= BrokersNeeded(topics, snapshot)) return (snapshot, null);
            }
            catch (TopicAdminException e)
            {
                lastError = e.Message;
            }

            // Out of time: the last answer, if any, decides; topics it cannot hold fail one by one.
            TimeSpan remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero) return (snapshot, lastError);
            await Task.Delay(remaining < options.RetryInterval ? remaining : options.RetryInterval, time,
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static int BrokersNeeded(IReadOnlyList<TopicSpec> topics, ClusterSnapshot snapshot)
    {
        int needed = 1;
        foreach (TopicSpec spec in topics)
        {
            if (!snapshot.Topics.ContainsKey(spec.Name)) needed = Math.Max(needed, spec.ReplicationFactor);
        }

        return needed;
    }

    // Returns the indexes of the topics someone else created first.
    private async Task<List<int>> CreateAsync(IReadOnlyList<TopicSpec> topics, List<int> toCreate,
        TopicOutcome?[] outcomes, ApplyOptions options, CancellationToken cancellationToken)
    {
        var concurrentlyCreated = new List<int>();
        if (toCreate.Count == 0) return concurrentlyCreated;
        IReadOnlyList<CreateTopicOutcome> created;
        try
        {
            created = await admin.CreateTopicsAsync([.. toCreate.Select(i => topics[i])], options.ChangeTimeout,
                cancellationToken).ConfigureAwait(false);
        }
        catch (TopicAdminException e)
        {
            foreach (int i in toCreate) outcomes[i] = Failed(topics[i], "CreateTopics failed: " + e.Message);
            return concurrentlyCreated;
        }

        var byName = created.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (int i in toCreate)
        {
            TopicSpec spec = topics[i];
            if (!byName.TryGetValue(spec.Name, out CreateTopicOutcome? outcome))
                outcomes[i] = Failed(spec, "CreateTopics did not answer for this topic");
            else if (outcome.Status == CreateTopicStatus.Created)
                outcomes[i] = new TopicOutcome(spec, TopicStatus.Created, []);
            else if (outcome.Status == CreateTopicStatus.AlreadyExists)
                concurrentlyCreated.Add(i);
            else
                outcomes[i] = Failed(spec, outcome.Error ?? "CreateTopics failed");
        }

        return concurrentlyCreated;
    }

    private async Task CompareConcurrentlyCreatedAsync(IReadOnlyList<TopicSpec> topics, List<int> pending,
        TopicOutcome?[] outcomes, ApplyOptions options, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        DateTimeOffset graceDeadline = Max(deadline, time.GetUtcNow() + VisibilityGrace);
        string? lastError = null;
        while (true)
        {
            try
            {
                ClusterSnapshot snapshot = await admin.DescribeAsync([.. pending.Select(i => topics[i].Name)],
                    RequestTimeout(options, graceDeadline), cancellationToken).ConfigureAwait(false);
                pending.RemoveAll(i =>
                {
                    if (!snapshot.Topics.TryGetValue(topics[i].Name, out TopicState? state)) return false;
                    outcomes[i] = Compare(topics[i], state);
                    return true;
                });
                if (pending.Count == 0) return;
            }
            catch (TopicAdminException e)
            {
                lastError = e.Message;
            }

            TimeSpan remaining = graceDeadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero) break;
            await Task.Delay(remaining < options.RetryInterval ? remaining : options.RetryInterval, time,
                cancellationToken).ConfigureAwait(false);
        }

        foreach (int i in pending)
        {
            outcomes[i] = Failed(topics[i], "CreateTopics answered TOPIC_ALREADY_EXISTS but the topic could not be "
                + "described" + (lastError is null ? " (is it being deleted?)" : ": " + lastError));
        }
    }

    private async Task AlterConfigsAsync(TopicOutcome?[] outcomes, ApplyOptions options,
        CancellationToken cancellationToken)
    {
        for (int i = 0; i < outcomes.Length; i++)
        {
            TopicOutcome outcome = outcomes[i]!;
            if (outcome.Status != TopicStatus.Differs) continue;
            var configs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (TopicDifference difference in outcome.Differences)
            {
                if (difference.Kind == TopicDifferenceKind.Config) configs[difference.Name] = difference.Expected!;
            }

            if (configs.Count == 0) continue;
            string? error;
            try
            {
                error = await admin.SetConfigsAsync(outcome.Spec.Name, configs, options.ChangeTimeout,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (TopicAdminException e)
            {
                error = e.Message;
            }

            outcomes[i] = error is not null
                ? outcome with { Status = TopicStatus.Failed, Error = "IncrementalAlterConfigs failed: " + error }
                : outcome with
                {
                    Status = TopicStatus.Altered,
                    Differences = [.. outcome.Differences.Where(d => d.Kind != TopicDifferenceKind.Config)],
                    AlteredConfigs = [.. configs.Keys.Order(StringComparer.Ordinal)],
                };
        }
    }

    private static TopicOutcome Compare(TopicSpec spec, TopicState state)
    {
        IReadOnlyList<TopicDifference> differences = TopicDrift.Compute(spec, state);
        return new TopicOutcome(spec, differences.Count == 0 ? TopicStatus.Unchanged : TopicStatus.Differs,
            differences);
    }

    private static TopicOutcome Failed(TopicSpec spec, string error) => new(spec, TopicStatus.Failed, [], error);

    private static string NotEnoughBrokers(TopicSpec spec, int live, TimeSpan waited) => string.Create(
        CultureInfo.InvariantCulture,
        $"replication-factor {spec.ReplicationFactor} needs {spec.ReplicationFactor} live brokers; "
        + $"the cluster had {live} after waiting {Format(waited)}");

    private TimeSpan RequestTimeout(ApplyOptions options, DateTimeOffset deadline)
    {
        // Each look gets at least a second, even past the deadline, so that one answer is always possible.
        TimeSpan remaining = deadline - time.GetUtcNow();
        TimeSpan floor = TimeSpan.FromSeconds(1);
        return remaining < floor ? floor : remaining < options.RequestTimeout ? remaining : options.RequestTimeout;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    internal static string Format(TimeSpan span) => span.TotalSeconds >= 1 && span.Milliseconds == 0
        ? span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + "s"
        : span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
}
