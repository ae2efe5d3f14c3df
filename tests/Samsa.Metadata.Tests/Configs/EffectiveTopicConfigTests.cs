using Samsa.Metadata.Configs;
using Samsa.Protocol.Compression;
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

    [Theory]
    [InlineData("producer", null, null)]
    [InlineData("uncompressed", CompressionType.None, null)]
    [InlineData("gzip", CompressionType.Gzip, null)]
    [InlineData("snappy", CompressionType.Snappy, null)]
    [InlineData("lz4", CompressionType.Lz4, 9)]
    [InlineData("zstd", CompressionType.Zstd, 3)]
    public void Compression_type_names_the_codec_and_its_default_level(string name, CompressionType? codec,
        int? level)
    {
        EffectiveTopicConfig config = EffectiveTopicConfig.Resolve(new Dictionary<string, string>
        {
            ["compression.type"] = name,
        }, BrokerConfigValues.Defaults);

        Assert.Equal(codec, config.Compression);
        Assert.Equal(level, config.CompressionLevel);
    }

    [Fact]
    public void A_codec_level_comes_from_the_topic_then_the_broker()
    {
        var broker = new BrokerConfigValues(staticValues: new Dictionary<string, string>
        {
            ["compression.type"] = "gzip",
            ["compression.gzip.level"] = "1",
            ["compression.zstd.level"] = "-5",
        });

        EffectiveTopicConfig gzip = EffectiveTopicConfig.Resolve(new Dictionary<string, string>(), broker);
        EffectiveTopicConfig zstd = EffectiveTopicConfig.Resolve(new Dictionary<string, string>
        {
            ["compression.type"] = "zstd",
        }, broker);
        EffectiveTopicConfig own = EffectiveTopicConfig.Resolve(new Dictionary<string, string>
        {
            ["compression.gzip.level"] = "9",
        }, broker);

        Assert.Equal((CompressionType.Gzip, 1), (gzip.Compression, gzip.CompressionLevel));
        Assert.Equal((CompressionType.Zstd, -5), (zstd.Compression, zstd.CompressionLevel));
        Assert.Equal((CompressionType.Gzip, 9), (own.Compression, own.CompressionLevel));
    }

    [Theory]
    [InlineData("compression.gzip.level", "0", false)]
    [InlineData("compression.gzip.level", "-2", false)]
    [InlineData("compression.gzip.level", "10", false)]
    [InlineData("compression.gzip.level", "-1", true)]
    [InlineData("compression.gzip.level", "9", true)]
    [InlineData("compression.lz4.level", "0", false)]
    [InlineData("compression.lz4.level", "17", true)]
    [InlineData("compression.lz4.level", "18", false)]
    [InlineData("compression.zstd.level", "-131072", true)]
    [InlineData("compression.zstd.level", "-131073", false)]
    [InlineData("compression.zstd.level", "23", false)]
    [InlineData("compression.type", "none", false)]
    [InlineData("compression.type", "LZ4", false)]
    public void Compression_keys_take_Kafkas_bounds(string key, string value, bool valid)
    {
        Assert.True(TopicConfigs.TryGet(key, out ConfigDef? topic));
        Assert.True(BrokerConfigs.TryGet(key, out ConfigDef? broker));

        Assert.Equal(valid, topic.TryCanonicalize(value, out _, out string? error));
        Assert.Equal(valid, broker.TryCanonicalize(value, out _, out _));
        if (!valid) Assert.StartsWith("must be", error, StringComparison.Ordinal);
    }
}
