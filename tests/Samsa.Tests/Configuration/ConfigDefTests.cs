using Samsa.Metadata.Configs;

namespace Samsa.Tests.Configuration;

public sealed class ConfigDefTests
{
    // STYLE.md's example, verbatim but for one more line break, to fit in 120 columns here.
    public static readonly ConfigDef<int> MinInsyncReplicas = ConfigDef.Int("min.insync.replicas", defaultValue: 1,
        min: 1, dynamic: true,
        doc: "Fewest in-sync replicas that must hold a batch before an acks=all produce succeeds.");

    [Theory]
    [InlineData("3", true, 3, null)]
    [InlineData(" 3 ", true, 3, null)]
    [InlineData("+3", true, 3, null)]
    [InlineData("0", false, 0, "must be at least 1")]
    [InlineData("-5", false, 0, "must be at least 1")]
    [InlineData("two", false, 0, "must be an integer")]
    [InlineData("", false, 0, "must be an integer")]
    [InlineData("1.5", false, 0, "must be an integer")]
    [InlineData("99999999999", false, 0, "must be at most 2147483647")]
    public void Int_parses_and_validates_without_throwing(string text, bool valid, int value, string? error)
    {
        ConfigParseResult<int> result = MinInsyncReplicas.Parse(text);

        Assert.Equal(valid, result.IsValid);
        Assert.Equal(error, result.Error);
        if (valid) Assert.Equal(value, result.Value);
    }

    [Fact]
    public void Definition_carries_type_default_bounds_and_update_mode()
    {
        Assert.Equal("min.insync.replicas", MinInsyncReplicas.Name);
        Assert.Equal(ConfigType.Int, MinInsyncReplicas.Type);
        Assert.Equal(1, MinInsyncReplicas.Default);
        Assert.Equal("1", MinInsyncReplicas.DefaultText);
        Assert.Equal("[1,...]", MinInsyncReplicas.ValidValues);
        Assert.True(MinInsyncReplicas.IsDynamic);
        Assert.False(MinInsyncReplicas.IsSensitive);
    }

    [Fact]
    public void Ranges_name_both_bounds_when_both_are_set()
    {
        ConfigDef<double> ratio = ConfigDef.Double("r", 0.5, "d", min: 0, max: 1);
        ConfigDef<int> port = ConfigDef.Int("p", 1, "d", min: 0, max: 65535);

        Assert.Equal("must be between 0 and 1", ratio.Parse("1.5").Error);
        Assert.Equal("must be a number", ratio.Parse("NaN").Error);
        Assert.Equal("[0,...,1]", ratio.ValidValues);
        Assert.Equal("must be between 0 and 65535", port.Parse("70000").Error);
        Assert.Equal("[0,...,65535]", port.ValidValues);
    }

    [Fact]
    public void Long_short_and_bool_parse_as_Kafka_does()
    {
        ConfigDef<long> retention = ConfigDef.Long("retention.ms", 1, "d", min: -1);
        ConfigDef<short> factor = ConfigDef.Short("rf", 3, "d", min: 1);
        ConfigDef<bool> flag = ConfigDef.Bool("b", false, "d");

        Assert.Equal(long.MaxValue, retention.Parse("9223372036854775807").Value);
        Assert.Equal("must be at most 9223372036854775807", retention.Parse("9223372036854775808").Error);
        Assert.Equal("must be at least -1", retention.Parse("-2").Error);
        Assert.Equal("must be at most 32767", factor.Parse("40000").Error);
        Assert.Equal(ConfigType.Short, factor.Type);
        Assert.True(flag.Parse("TRUE").Value);
        Assert.False(flag.Parse(" false").Value);
        Assert.Equal("must be true or false", flag.Parse("yes").Error);
    }

    [Fact]
    public void Valid_strings_are_case_sensitive_like_Kafkas_ValidString()
    {
        ConfigDef<string> type = TopicConfigs.MessageTimestampType;

        Assert.True(type.Parse("LogAppendTime").IsValid);
        Assert.Equal("must be one of CreateTime, LogAppendTime", type.Parse("logappendtime").Error);
        Assert.Equal("[CreateTime, LogAppendTime]", type.ValidValues);
    }

    [Fact]
    public void Lists_split_on_commas_trim_and_check_each_entry()
    {
        ConfigDef<IReadOnlyList<string>> policy = TopicConfigs.CleanupPolicy;

        Assert.Equal(["compact", "delete"], policy.Parse(" compact , delete ").Value);
        Assert.Empty(policy.Parse("").Value);
        Assert.Equal("must not have an empty entry", policy.Parse("compact,,delete").Error);
        Assert.Equal("has purge, which is not one of compact, delete", policy.Parse("delete,purge").Error);
        Assert.True(policy.TryCanonicalize(" compact , delete ", out string? canonical, out _));
        Assert.Equal("compact,delete", canonical);
    }

    [Theory]
    [InlineData("536870912", 536870912L, "512MiB")]
    [InlineData("512m", 536870912L, "512MiB")]
    [InlineData("512MB", 536870912L, "512MiB")]
    [InlineData("2GiB", 2147483648L, "2GiB")]
    [InlineData("100000000", 100000000L, "100000000")]
    public void Sizes_take_binary_suffixes(string text, long bytes, string canonical)
    {
        ConfigParseResult<long?> result = BrokerConfigs.Memory.Parse(text);

        Assert.Equal(bytes, result.Value);
        Assert.Equal(canonical, BrokerConfigs.Memory.Format(result.Value));
    }

    [Theory]
    [InlineData("lots", "must be a size in bytes such as 536870912, 512m or 2GiB")]
    [InlineData("-1", "must be a size in bytes such as 536870912, 512m or 2GiB")]
    [InlineData("1m", "must be at least 64MiB")]
    public void Bad_sizes_are_refused(string text, string error) =>
        Assert.Equal(error, BrokerConfigs.Memory.Parse(text).Error);

    [Fact]
    public void Passwords_are_sensitive_and_have_no_default()
    {
        ConfigDef<string?> password = ConfigDef.Password("ssl.key.password", "d");

        Assert.True(password.IsSensitive);
        Assert.Equal(ConfigType.Password, password.Type);
        Assert.False(password.HasDefault);
        Assert.Equal("s3cret", password.Parse("s3cret").Value);
    }

    [Fact]
    public void Optional_keys_default_to_null()
    {
        Assert.Null(BrokerConfigs.NodeId.Default);
        Assert.Null(BrokerConfigs.NodeId.DefaultText);
        Assert.Null(BrokerConfigs.NodeId.ParseOrDefault(null));
        Assert.Equal(7, BrokerConfigs.NodeId.ParseOrDefault("7"));
    }

    [Fact]
    public void A_default_that_its_own_validator_refuses_is_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => ConfigDef.Int("x", defaultValue: 0, doc: "d", min: 1));
}
