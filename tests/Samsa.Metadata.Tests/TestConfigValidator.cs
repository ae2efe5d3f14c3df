using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Metadata.Tests;

// A few configs with fixed rules, so controller tests do not depend on the full definitions in Configs/.
internal sealed class TestConfigValidator : IConfigValidator
{
    public static TestConfigValidator Instance { get; } = new();

    public bool TryValidate(ConfigResourceType resourceType, IReadOnlyDictionary<string, string> configs,
        [NotNullWhen(false)] out string? error)
    {
        foreach ((string name, string value) in configs)
        {
            bool? valid = name switch
            {
                "cleanup.policy" => value.Split(',').All(p => p is "compact" or "delete" or ""),
                "retention.ms" => long.TryParse(value, CultureInfo.InvariantCulture, out long ms) && ms >= -1,
                "min.insync.replicas" => int.TryParse(value, CultureInfo.InvariantCulture, out int n) && n >= 1,
                "unclean.leader.election.enable" => bool.TryParse(value, out _),
                "log.retention.ms" when resourceType == ConfigResourceType.Broker =>
                    long.TryParse(value, CultureInfo.InvariantCulture, out _),
                _ => null,
            };
            if (valid is null)
            {
                string kind = resourceType == ConfigResourceType.Topic ? "topic" : "broker";
                error = $"Unknown {kind} config name: {name}";
                return false;
            }
            if (valid == false)
            {
                error = $"Invalid value {value} for configuration {name}";
                return false;
            }
        }
        error = null;
        return true;
    }

    public bool IsList(ConfigResourceType resourceType, string name) => name == "cleanup.policy";

    public string? DefaultValue(ConfigResourceType resourceType, string name) =>
        name == "cleanup.policy" ? "delete" : null;
}
