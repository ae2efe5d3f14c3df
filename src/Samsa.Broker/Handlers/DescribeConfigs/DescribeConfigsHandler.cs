using Samsa.Metadata.Configs;
using ConfigResult = Samsa.Protocol.Messages.DescribeConfigsResponse.DescribeConfigsResourceResult;
using ResourceResult = Samsa.Protocol.Messages.DescribeConfigsResponse.DescribeConfigsResult;

namespace Samsa.Broker.Handlers;

// DescribeConfigs v0–4. Behaviour: a topic resource lists every topic config with its effective value and source
// (the topic's override, else this broker's dynamic value, the cluster-wide dynamic default, the static value, the
// default); the broker resource named by this node's id lists every broker config, and the empty name lists only
// the cluster-wide dynamic defaults. Synonyms only when asked for, documentation only when asked for; passwords
// have a null value. Named keys filter the list (unknown names are left out; none named means all). An unknown
// topic gets UNKNOWN_TOPIC_OR_PARTITION, an illegal name INVALID_TOPIC_EXCEPTION, another node's id and any other
// resource type INVALID_REQUEST, each with a message, while the other resources are described.
// Version notes: v0 has IsDefault instead of sources; v1 adds sources and synonyms; v3 types and documentation;
// v4 first flexible.
[ApiHandler(ApiKey.DescribeConfigs, MinVersion = 0, MaxVersion = 4)]
internal sealed class DescribeConfigsHandler(BrokerOptions options, MetadataLoader metadata)
    : SyncApiHandler<DescribeConfigsRequest, DescribeConfigsResponse>
{
    protected override DescribeConfigsResponse Handle(RequestContext context, DescribeConfigsRequest request)
    {
        MetadataImage image = metadata.Current;
        var response = new DescribeConfigsResponse();
        foreach (DescribeConfigsRequest.DescribeConfigsResource resource in request.Resources)
        {
            var result = new ResourceResult
            {
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
                ErrorMessage = null,
            };
            response.Results.Add(result);
            ErrorCode error = TryDescribe(image, resource, out IReadOnlyList<ConfigEntry> entries, out string? message);
            if (error != ErrorCode.None)
            {
                result.ErrorCode = (short)error;
                result.ErrorMessage = message ?? error.Message();
                continue;
            }
            HashSet<string>? keys = resource.ConfigurationKeys is { Count: > 0 } named
                ? new HashSet<string>(named, StringComparer.Ordinal)
                : null;
            foreach (ConfigEntry entry in entries)
            {
                if (keys is not null && !keys.Contains(entry.Name)) continue;
                result.Configs.Add(ToResult(entry, context.ApiVersion, request.IncludeSynonyms,
                    request.IncludeDocumentation));
            }
        }
        return response;
    }

    private ErrorCode TryDescribe(MetadataImage image, DescribeConfigsRequest.DescribeConfigsResource resource,
        out IReadOnlyList<ConfigEntry> entries, out string? message)
    {
        entries = [];
        message = null;
        switch ((ConfigResourceType)resource.ResourceType)
        {
            case ConfigResourceType.Topic:
                string topic = resource.ResourceName;
                if (!TopicName.TryValidate(topic, out message)) return ErrorCode.InvalidTopicException;
                if (!image.Topics.TryGetTopic(topic, out _))
                {
                    message = $"Topic '{topic}' does not exist.";
                    return ErrorCode.UnknownTopicOrPartition;
                }
                entries = ConfigResolver.DescribeTopic(image.Configs.Get(ConfigResource.ForTopic(topic)),
                    ConfigResources.BrokerLayers(image, options));
                return ErrorCode.None;
            case ConfigResourceType.Broker:
                if (!ConfigResources.TryCheckBroker(resource.ResourceName, options.NodeId, out ConfigResource broker,
                    out message))
                {
                    return ErrorCode.InvalidRequest;
                }
                entries = ConfigResolver.DescribeBroker(ConfigResources.BrokerLayers(image, options),
                    clusterDefault: broker.IsBrokerDefault);
                return ErrorCode.None;
            default:
                message = $"Unsupported resource type: {ConfigResources.TypeName(resource.ResourceType)}";
                return ErrorCode.InvalidRequest;
        }
    }

    internal static ConfigResult ToResult(ConfigEntry entry, short version, bool includeSynonyms,
        bool includeDocumentation)
    {
        var result = new ConfigResult
        {
            Name = entry.Name,
            Value = entry.Value,
            ReadOnly = entry.IsReadOnly,
            IsDefault = version == 0 && entry.Source == ConfigSource.DefaultConfig,
            ConfigSource = (sbyte)entry.Source,
            IsSensitive = entry.IsSensitive,
            ConfigType = (sbyte)entry.Type,
            Documentation = includeDocumentation ? entry.Documentation : null,
        };
        if (!includeSynonyms) return result;
        foreach (ConfigSynonymValue synonym in entry.Synonyms)
        {
            result.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym
            {
                Name = synonym.Name, Value = synonym.Value, Source = (sbyte)synonym.Source,
            });
        }
        return result;
    }
}
