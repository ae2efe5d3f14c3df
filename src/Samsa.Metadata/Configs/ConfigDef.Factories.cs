using System.Globalization;

namespace Samsa.Metadata.Configs;

// The factories: one per Kafka ConfigType, with Kafka's validators (ranges, valid strings, valid lists). A key
// without a default uses the Optional… form, whose value type is nullable.
public abstract partial class ConfigDef
{
    /// <summary>
    /// An int key in [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="validate"/> returns an error for
    /// a value in range it still refuses (Kafka's own validators: gzip's levels are 1 to 9 or -1), or null, and
    /// <paramref name="validValuesText"/> then says what it accepts.
    /// </summary>
    public static ConfigDef<int> Int(string name, int defaultValue, string doc, int min = int.MinValue,
        int max = int.MaxValue, bool dynamic = false, ConfigImportance importance = ConfigImportance.Medium,
        bool samsa = false, Func<int, string?>? validate = null, string? validValuesText = null) =>
        new(name, ConfigType.Int, defaultValue, hasDefault: true, doc, importance, dynamic, samsa,
            validValuesText ?? ConfigParsers.RangeText(min, max, int.MinValue, int.MaxValue),
            text =>
            {
                ConfigParseResult<int> result = IntResult(ConfigParsers.Integer(text, min, max, int.MinValue,
                    int.MaxValue));
                return result.IsValid && validate?.Invoke(result.Value) is { } error
                    ? ConfigParseResult<int>.Fail(error)
                    : result;
            },
            value => value.ToString(CultureInfo.InvariantCulture));

    public static ConfigDef<int?> OptionalInt(string name, string doc, int min = int.MinValue, int max = int.MaxValue,
        bool dynamic = false, ConfigImportance importance = ConfigImportance.Medium, bool samsa = false) =>
        new(name, ConfigType.Int, null, hasDefault: false, doc, importance, dynamic, samsa,
            ConfigParsers.RangeText(min, max, int.MinValue, int.MaxValue),
            text => Nullable(IntResult(ConfigParsers.Integer(text, min, max, int.MinValue, int.MaxValue))),
            value => value!.Value.ToString(CultureInfo.InvariantCulture));

    public static ConfigDef<short> Short(string name, short defaultValue, string doc, short min = short.MinValue,
        short max = short.MaxValue, bool dynamic = false, ConfigImportance importance = ConfigImportance.Medium,
        bool samsa = false) =>
        new(name, ConfigType.Short, defaultValue, hasDefault: true, doc, importance, dynamic, samsa,
            ConfigParsers.RangeText(min, max, short.MinValue, short.MaxValue),
            text =>
            {
                ConfigParseResult<long> result = ConfigParsers.Integer(text, min, max, short.MinValue, short.MaxValue);
                return result.IsValid
                    ? ConfigParseResult<short>.Ok((short)result.Value)
                    : ConfigParseResult<short>.Fail(result.Error!);
            },
            value => value.ToString(CultureInfo.InvariantCulture));

    public static ConfigDef<long> Long(string name, long defaultValue, string doc, long min = long.MinValue,
        long max = long.MaxValue, bool dynamic = false, ConfigImportance importance = ConfigImportance.Medium,
        bool samsa = false) =>
        new(name, ConfigType.Long, defaultValue, hasDefault: true, doc, importance, dynamic, samsa,
            ConfigParsers.RangeText(min, max, long.MinValue, long.MaxValue),
            text => ConfigParsers.Integer(text, min, max, long.MinValue, long.MaxValue),
            value => value.ToString(CultureInfo.InvariantCulture));

    public static ConfigDef<long?> OptionalLong(string name, string doc, long min = long.MinValue,
        long max = long.MaxValue, bool dynamic = false, ConfigImportance importance = ConfigImportance.Medium,
        bool samsa = false) =>
        new(name, ConfigType.Long, null, hasDefault: false, doc, importance, dynamic, samsa,
            ConfigParsers.RangeText(min, max, long.MinValue, long.MaxValue),
            text => Nullable(ConfigParsers.Integer(text, min, max, long.MinValue, long.MaxValue)),
            value => value!.Value.ToString(CultureInfo.InvariantCulture));

    public static ConfigDef<bool> Bool(string name, bool defaultValue, string doc, bool dynamic = false,
        ConfigImportance importance = ConfigImportance.Medium, bool samsa = false) =>
        new(name, ConfigType.Boolean, defaultValue, hasDefault: true, doc, importance, dynamic, samsa, null,
            ConfigParsers.Boolean, value => value ? "true" : "false");

    public static ConfigDef<double> Double(string name, double defaultValue, string doc,
        double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool dynamic = false,
        ConfigImportance importance = ConfigImportance.Medium, bool samsa = false) =>
        new(name, ConfigType.Double, defaultValue, hasDefault: true, doc, importance, dynamic, samsa,
            ConfigParsers.DoubleRangeText(min, max),
            text => ConfigParsers.Double(text, min, max), ConfigParsers.FormatDouble);

    /// <summary>
    /// A string key. With <paramref name="validValues"/> it is Kafka's valid-string set (case-sensitive, as Kafka's
    /// <c>ValidString</c>); <paramref name="validate"/> returns an error for a value it refuses, or null.
    /// </summary>
    public static ConfigDef<string> String(string name, string defaultValue, string doc,
        IReadOnlyList<string>? validValues = null, Func<string, string?>? validate = null,
        string? validValuesText = null, bool dynamic = false, ConfigImportance importance = ConfigImportance.Medium,
        bool samsa = false) =>
        new(name, ConfigType.String, defaultValue, hasDefault: true, doc, importance, dynamic, samsa,
            validValuesText ?? (validValues is null ? null : ConfigParsers.ValuesText(validValues)),
            text => ConfigParsers.OneOf(text, validValues, validate) is { } error
                ? ConfigParseResult<string>.Fail(error)
                : ConfigParseResult<string>.Ok(text),
            value => value);

    /// <summary>A string key without a default (<c>advertised.listeners</c>, <c>log.dirs</c>).</summary>
    public static ConfigDef<string?> OptionalString(string name, string doc, Func<string, string?>? validate = null,
        string? validValuesText = null, bool dynamic = false, ConfigImportance importance = ConfigImportance.Medium,
        bool samsa = false) =>
        new(name, ConfigType.String, null, hasDefault: false, doc, importance, dynamic, samsa, validValuesText,
            text => validate?.Invoke(text) is { } error
                ? ConfigParseResult<string?>.Fail(error)
                : ConfigParseResult<string?>.Ok(text),
            value => value!);

    /// <summary>
    /// A comma-separated list (Kafka's LIST). An empty value is the empty list; an empty entry is an error. With
    /// <paramref name="validValues"/> it is Kafka's <c>ValidList</c>; <paramref name="validateItem"/> checks each
    /// entry and returns an error for one it refuses, or null.
    /// </summary>
    public static ConfigDef<IReadOnlyList<string>> List(string name, IReadOnlyList<string> defaultValue, string doc,
        IReadOnlyList<string>? validValues = null, Func<string, string?>? validateItem = null,
        string? validValuesText = null, bool dynamic = false, ConfigImportance importance = ConfigImportance.Medium,
        bool samsa = false) =>
        new(name, ConfigType.List, defaultValue, hasDefault: true, doc, importance, dynamic, samsa,
            validValuesText ?? (validValues is null ? null : ConfigParsers.ValuesText(validValues)),
            text => ConfigParsers.List(text, validValues, validateItem),
            value => string.Join(',', value));

    /// <summary>A secret (Kafka's PASSWORD): never logged, printed or described. No default.</summary>
    public static ConfigDef<string?> Password(string name, string doc, Func<string, string?>? validate = null,
        bool dynamic = false, ConfigImportance importance = ConfigImportance.Medium, bool samsa = false) =>
        new(name, ConfigType.Password, null, hasDefault: false, doc, importance, dynamic, samsa, null,
            text => validate?.Invoke(text) is { } error
                ? ConfigParseResult<string?>.Fail(error)
                : ConfigParseResult<string?>.Ok(text),
            value => value!);

    /// <summary>
    /// A size in bytes written as a number or with a binary suffix (<c>512m</c>, <c>2GiB</c>); a Samsa type, so
    /// DescribeConfigs reports it as a STRING. No default: unset means the key's documented fallback.
    /// </summary>
    public static ConfigDef<long?> Size(string name, string doc, long min = 0, bool dynamic = false,
        ConfigImportance importance = ConfigImportance.Medium, bool samsa = false) =>
        new(name, ConfigType.String, null, hasDefault: false, doc, importance, dynamic, samsa,
            min > 0 ? "[" + ConfigParsers.FormatSize(min) + ",...]" : null,
            text => ConfigParsers.Size(text, min), value => ConfigParsers.FormatSize(value!.Value));

    private static ConfigParseResult<int> IntResult(ConfigParseResult<long> result) =>
        result.IsValid ? ConfigParseResult<int>.Ok((int)result.Value) : ConfigParseResult<int>.Fail(result.Error!);

    private static ConfigParseResult<TValue?> Nullable<TValue>(ConfigParseResult<TValue> result)
        where TValue : struct =>
        result.IsValid ? ConfigParseResult<TValue?>.Ok(result.Value) : ConfigParseResult<TValue?>.Fail(result.Error!);
}
