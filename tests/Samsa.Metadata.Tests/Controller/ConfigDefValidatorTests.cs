using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Metadata.Tests.Controller;

// The adapter over Configs/: only a few well-known keys, so it survives additions to the definitions.
public sealed class ConfigDefValidatorTests
{
    private static readonly ConfigDefValidator Validator = ConfigDefValidator.Instance;

    [Fact]
    public void Known_topic_configs_with_valid_values_pass()
    {
        var configs = new Dictionary<string, string>
        {
            ["retention.ms"] = "3600000",
            ["cleanup.policy"] = "compact,delete",
        };
        Assert.True(Validator.TryValidate(ConfigResourceType.Topic, configs, out _));
    }

    [Fact]
    public void Unknown_names_and_bad_values_fail()
    {
        Assert.False(Validator.TryValidate(ConfigResourceType.Topic,
            new Dictionary<string, string> { ["no.such.config"] = "1" }, out string? unknown));
        Assert.Contains("no.such.config", unknown, StringComparison.Ordinal);
        Assert.False(Validator.TryValidate(ConfigResourceType.Topic,
            new Dictionary<string, string> { ["retention.ms"] = "soon" }, out _));
    }

    [Fact]
    public void Cleanup_policy_is_a_list_with_a_default()
    {
        Assert.True(Validator.IsList(ConfigResourceType.Topic, "cleanup.policy"));
        Assert.False(Validator.IsList(ConfigResourceType.Topic, "retention.ms"));
        Assert.Equal("delete", Validator.DefaultValue(ConfigResourceType.Topic, "cleanup.policy"));
    }
}
