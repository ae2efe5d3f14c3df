using System.Globalization;

namespace Samsa.Metadata.Controller;

// AlterConfigs (replace a resource's dynamic configs) and IncrementalAlterConfigs (SET, DELETE, APPEND, SUBTRACT) for
// topics, brokers and the cluster-wide broker default. Each resource succeeds or fails on its own; the resulting set
// of a resource is validated whole, and only the configs that change are written. Turning unclean leader election on
// elects leaders, in the same batch, for the partitions it now allows to have one; changing a topic's effective
// min.insync.replicas clears, in the same batch, the ELR of partitions whose ISR now reaches it (KIP-966).
public sealed partial class MetadataController
{
    /// <summary>Replaces the dynamic configs of each resource with those given (Kafka's legacy AlterConfigs).</summary>
    public Task<IReadOnlyList<AlterConfigsResult>> AlterConfigsAsync(IReadOnlyList<AlterConfigsResource> resources,
        bool validateOnly, CancellationToken cancellationToken) =>
        AlterAsync(resources, incremental: false, validateOnly, cancellationToken);

    /// <summary>Changes the dynamic configs of each resource op by op (Kafka's IncrementalAlterConfigs).</summary>
    public Task<IReadOnlyList<AlterConfigsResult>> IncrementalAlterConfigsAsync(
        IReadOnlyList<AlterConfigsResource> resources, bool validateOnly, CancellationToken cancellationToken) =>
        AlterAsync(resources, incremental: true, validateOnly, cancellationToken);

    private async Task<IReadOnlyList<AlterConfigsResult>> AlterAsync(IReadOnlyList<AlterConfigsResource> resources,
        bool incremental, bool validateOnly, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var results = new AlterConfigsResult[resources.Count];
            if (!TryLead(out int epoch))
            {
                for (int i = 0; i < resources.Count; i++)
                    results[i] = new(resources[i].Resource, ControllerStatus.NotController, NotController.Message);
                return results;
            }
            MetadataImage image = _loader.Current;
            var seen = new HashSet<ConfigResource>();
            var duplicates = new HashSet<ConfigResource>();
            foreach (AlterConfigsResource r in resources)
            {
                if (!seen.Add(r.Resource)) duplicates.Add(r.Resource);
            }
            var pending = new Dictionary<ConfigResource, Dictionary<string, string>>();
            var records = new List<IMetadataRecord>();
            var changed = new List<(ConfigResource Resource, int Count)>();
            for (int i = 0; i < resources.Count; i++)
            {
                AlterConfigsResource r = resources[i];
                ControllerResult result = duplicates.Contains(r.Resource)
                    ? new(ControllerStatus.InvalidRequest, "Duplicate resource.")
                    : BuildConfigChange(image, r, incremental, pending, records, changed);
                results[i] = new(r.Resource, result.Status, result.Message);
            }
            var elections = new PartitionChangeSet(records);
            ApplyElectionConfigs(image, pending, elections);
            if (records.Count == 0 || validateOnly) return results;

            (ControllerResult commit, _) = await CommitAsync(epoch, records, cancellationToken).ConfigureAwait(false);
            if (!commit.IsOk)
            {
                for (int i = 0; i < results.Length; i++)
                {
                    if (results[i].Status == ControllerStatus.Ok)
                        results[i] = results[i] with { Status = commit.Status, Message = commit.Message };
                }
                return results;
            }
            foreach ((ConfigResource resource, int count) in changed)
                _logger.ConfigsChanged(count, resource.ToString());
            elections.LogChanges(_logger);
            return results;
        }
        finally
        {
            _lock.Release();
        }
    }

    private ControllerResult BuildConfigChange(MetadataImage image, AlterConfigsResource request, bool incremental,
        Dictionary<ConfigResource, Dictionary<string, string>> pending, List<IMetadataRecord> records,
        List<(ConfigResource Resource, int Count)> changed)
    {
        ConfigResource resource = request.Resource;
        ControllerResult check = ValidateResource(image, resource);
        if (!check.IsOk) return check;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (AlterConfigOp op in request.Ops)
        {
            if (!names.Add(op.Name)) return new(ControllerStatus.InvalidRequest, "Error due to duplicate config keys.");
        }

        var before = image.Configs.Get(resource);
        var after = incremental
            ? new Dictionary<string, string>(before, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (AlterConfigOp op in request.Ops)
        {
            check = incremental ? ApplyIncremental(resource.Type, op, after) : ApplyLegacy(op, after);
            if (!check.IsOk) return check;
        }
        if (!_configValidator.TryValidate(resource.Type, after, out string? error))
            return new(ControllerStatus.InvalidConfig, error);

        int count = 0;
        foreach ((string name, string value) in after)
        {
            if (before.TryGetValue(name, out string? old) && string.Equals(old, value, StringComparison.Ordinal))
                continue;
            records.Add(Config(resource, name, value));
            count++;
        }
        foreach (string name in before.Keys)
        {
            if (after.ContainsKey(name)) continue;
            records.Add(Config(resource, name, null));
            count++;
        }
        pending[resource] = after;
        if (count > 0) changed.Add((resource, count));
        return ControllerResult.Ok;
    }

    private static ControllerResult ApplyLegacy(AlterConfigOp op, Dictionary<string, string> after)
    {
        if (op.Value is null) return NullValue(op.Name);
        after[op.Name] = op.Value;
        return ControllerResult.Ok;
    }

    private ControllerResult ApplyIncremental(ConfigResourceType type, AlterConfigOp op,
        Dictionary<string, string> after)
    {
        switch (op.OpType)
        {
            case AlterConfigOpType.Set:
                if (op.Value is null) return NullValue(op.Name);
                after[op.Name] = op.Value;
                return ControllerResult.Ok;
            case AlterConfigOpType.Delete:
                after.Remove(op.Name);
                return ControllerResult.Ok;
            case AlterConfigOpType.Append or AlterConfigOpType.Subtract:
                string verb = op.OpType == AlterConfigOpType.Append ? "APPEND" : "SUBTRACT";
                if (!_configValidator.IsList(type, op.Name))
                {
                    return new(ControllerStatus.InvalidConfig,
                        $"Can't {verb} to key {op.Name} because its type is not LIST.");
                }
                if (op.Value is null) return NullValue(op.Name);
                string current = after.TryGetValue(op.Name, out string? set)
                    ? set
                    : _configValidator.DefaultValue(type, op.Name) ?? "";
                List<string> items = SplitList(current);
                foreach (string item in SplitList(op.Value))
                {
                    if (op.OpType == AlterConfigOpType.Subtract) items.Remove(item);
                    else if (!items.Contains(item)) items.Add(item);
                }
                after[op.Name] = string.Join(',', items);
                return ControllerResult.Ok;
            default:
                return new(ControllerStatus.InvalidRequest,
                    $"Unknown config operation {(int)op.OpType} for {op.Name}.");
        }
    }

    private static ControllerResult ValidateResource(MetadataImage image, ConfigResource resource)
    {
        switch (resource.Type)
        {
            case ConfigResourceType.Topic:
                return image.Topics.TryGetTopic(resource.Name ?? "", out _)
                    ? ControllerResult.Ok
                    : new(ControllerStatus.UnknownTopicOrPartition, $"Topic '{resource.Name}' does not exist.");
            case ConfigResourceType.Broker:
                return resource.Name is "" ||
                    int.TryParse(resource.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    ? ControllerResult.Ok
                    : new(ControllerStatus.InvalidRequest, $"Invalid broker name {resource.Name}.");
            default:
                return new(ControllerStatus.InvalidRequest, $"Unsupported resource type {(int)resource.Type}.");
        }
    }

    // Partitions without a leader that the new configs allow to elect one uncleanly, and partitions whose ELR a new
    // min ISR ends: at or above it the high watermark moves without the ELR members, which then fall behind.
    private void ApplyElectionConfigs(MetadataImage image,
        Dictionary<ConfigResource, Dictionary<string, string>> pending, PartitionChangeSet elections)
    {
        bool defaultChanged = pending.ContainsKey(ConfigResource.BrokerDefault);
        var eligibility = new Eligibility(image.Brokers);
        foreach (TopicImage topic in image.Topics.All)
        {
            if (!defaultChanged && !pending.ContainsKey(ConfigResource.ForTopic(topic.Name))) continue;
            ElectionPolicy before = ElectionPolicy.For(image, topic, Options);
            ElectionPolicy after = ElectionPolicy.For(image, topic, Options, pending);
            elections.ApplyPolicy(topic, eligibility, after, elect: after.Unclean && !before.Unclean,
                minIsrChanged: after.MinIsr != before.MinIsr);
        }
    }

    private static List<string> SplitList(string value)
    {
        const StringSplitOptions Split = StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries;
        return [.. value.Split(',', Split)];
    }

    private static ControllerResult NullValue(string name) =>
        new(ControllerStatus.InvalidRequest, $"Null value not supported for {name}.");

    private static ConfigRecord Config(ConfigResource resource, string name, string? value) => new()
    {
        ResourceType = (sbyte)resource.Type,
        ResourceName = resource.Name,
        Name = name,
        Value = value,
    };
}
