using Samsa.Metadata.Configs;
using Samsa.Storage;

namespace Samsa.Metadata.Tests.Configs;

public sealed class EffectiveTopicConfigTests
{
    [Fact]
    public void Cleanup_policy_and_compaction_settings_reach_the_log_options()
    {
        EffectiveTopicConfig config = EffectiveTopicConfig.Resolve(new Dictionary<string, string>
        {
            ["cleanup.policy"] = "compact,delete",
            ["delete.retention.ms"] = "60000",
            ["min.compaction.lag.ms"] = "1000",
            ["max.compaction.lag.ms"] = "3600000",
            ["min.cleanable.dirty.ratio"] = "0.25",
        }, BrokerConfigValues.Defaults);

        Assert.Equal(CleanupPolicy.Compact | CleanupPolicy.Delete, config.Log.CleanupPolicy);
        Assert.True(config.IsCompacted);
        Assert.True(config.IsDeleteEnabled);
        Assert.Equal(TimeSpan.FromMinutes(1), config.Log.DeleteRetention);
        Assert.Equal(TimeSpan.FromSeconds(1), config.Log.MinCompactionLag);
        Assert.Equal(TimeSpan.FromHours(1), config.Log.MaxCompactionLag);
        Assert.Equal(0.25, config.Log.MinCleanableDirtyRatio);
        Assert.Equal(config.Log.DeleteRetention, config.DeleteRetention);
    }

    [Fact]
    public void The_defaults_are_Kafkas()
    {
        EffectiveTopicConfig config = EffectiveTopicConfig.Resolve(new Dictionary<string, string>(),
            BrokerConfigValues.Defaults);

        Assert.Equal(CleanupPolicy.Delete, config.Log.CleanupPolicy);
        Assert.Equal(TimeSpan.FromDays(1), config.Log.DeleteRetention);
        Assert.Equal(TimeSpan.Zero, config.Log.MinCompactionLag);
        Assert.Equal(TimeSpan.MaxValue, config.Log.MaxCompactionLag);
        Assert.Equal(0.5, config.Log.MinCleanableDirtyRatio);
    }

    [Fact]
    public void A_compact_only_topic_keeps_its_segments_from_retention()
    {
        EffectiveTopicConfig config = EffectiveTopicConfig.Resolve(new Dictionary<string, string>
        {
            ["cleanup.policy"] = "compact",
        }, BrokerConfigValues.Defaults);

        Assert.Equal(CleanupPolicy.Compact, config.Log.CleanupPolicy);
        Assert.False(config.Log.IsDeleteEnabled);
        Assert.Equal(Timeout.InfiniteTimeSpan, config.Log.RetentionTime);
    }
}
