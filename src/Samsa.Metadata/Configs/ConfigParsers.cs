using System.Globalization;

namespace Samsa.Metadata.Configs;

// The parsers and validators behind ConfigDef's factories. Each returns an error phrased to follow "key=value"
// ("must be at least 1"), never an exception. Text arrives trimmed.
internal static class ConfigParsers
{
    public static ConfigParseResult<long> Integer(string text, long min, long max, long typeMin, long typeMax)
    {
        if (!Int128.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out Int128 value))
            return ConfigParseResult<long>.Fail("must be an integer");
        if (value < min || value > max)
            return ConfigParseResult<long>.Fail(RangeError(value < min, min, max, typeMin, typeMax));
        return ConfigParseResult<long>.Ok((long)value);
    }

    private static string RangeError(bool belowMin, long min, long max, long typeMin, long typeMax)
    {
        if (min != typeMin && max != typeMax) return Invariant($"must be between {min} and {max}");
        return belowMin ? Invariant($"must be at least {min}") : Invariant($"must be at most {max}");
    }

    public static string? RangeText(long min, long max, long typeMin, long typeMax) =>
        (min != typeMin, max != typeMax) switch
        {
            (true, true) => Invariant($"[{min},...,{max}]"),
            (true, false) => Invariant($"[{min},...]"),
            (false, true) => Invariant($"[...,{max}]"),
            _ => null,
        };

    public static ConfigParseResult<double> Double(string text, double min, double max)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value))
            return ConfigParseResult<double>.Fail("must be a number");
        if (value < min || value > max)
        {
            bool hasMin = !double.IsNegativeInfinity(min);
            bool hasMax = !double.IsPositiveInfinity(max);
            string error = hasMin && hasMax ? Invariant($"must be between {min} and {max}")
                : hasMax ? Invariant($"must be at most {max}")
                : Invariant($"must be at least {min}");
            return ConfigParseResult<double>.Fail(error);
        }

        return ConfigParseResult<double>.Ok(value);
    }

    public static string? DoubleRangeText(double min, double max) =>
        (!double.IsNegativeInfinity(min), !double.IsPositiveInfinity(max)) switch
        {
            (true, true) => Invariant($"[{min},...,{max}]"),
            (true, false) => Invariant($"[{min},...]"),
            (false, true) => Invariant($"[...,{max}]"),
            _ => null,
        };

    public static string FormatDouble(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static ConfigParseResult<bool> Boolean(string text) =>
        text.Equals("true", StringComparison.OrdinalIgnoreCase) ? ConfigParseResult<bool>.Ok(true)
        : text.Equals("false", StringComparison.OrdinalIgnoreCase) ? ConfigParseResult<bool>.Ok(false)
        : ConfigParseResult<bool>.Fail("must be true or false");

    public static string? OneOf(string text, IReadOnlyList<string>? validValues, Func<string, string?>? validate)
    {
        if (validValues is not null && !Contains(validValues, text))
            return "must be one of " + string.Join(", ", validValues);
        return validate?.Invoke(text);
    }

    public static ConfigParseResult<IReadOnlyList<string>> List(string text, IReadOnlyList<string>? validValues,
        Func<string, string?>? validateItem)
    {
        if (text.Length == 0) return ConfigParseResult<IReadOnlyList<string>>.Ok([]);
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (string item in items)
        {
            if (item.Length == 0)
                return ConfigParseResult<IReadOnlyList<string>>.Fail("must not have an empty entry");
            if (validValues is not null && !Contains(validValues, item))
            {
                return ConfigParseResult<IReadOnlyList<string>>.Fail(
                    $"has {item}, which is not one of {string.Join(", ", validValues)}");
            }

            string? error = validateItem?.Invoke(item);
            if (error is not null) return ConfigParseResult<IReadOnlyList<string>>.Fail(error);
        }

        return ConfigParseResult<IReadOnlyList<string>>.Ok(items);
    }

    public static string ValuesText(IReadOnlyList<string> values) => "[" + string.Join(", ", values) + "]";

    private static readonly (string Suffix, long Multiplier)[] SizeUnits =
    [
        ("TiB", 1L << 40), ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10),
        ("tb", 1L << 40), ("gb", 1L << 30), ("mb", 1L << 20), ("kb", 1L << 10),
        ("t", 1L << 40), ("g", 1L << 30), ("m", 1L << 20), ("k", 1L << 10), ("b", 1),
    ];

    // "536870912", "512m", "512MB", "512MiB": binary multiples whatever the spelling, as container limits use them.
    public static ConfigParseResult<long?> Size(string text, long min)
    {
        const string Expected = "must be a size in bytes such as 536870912, 512m or 2GiB";
        long multiplier = 1;
        string digits = text;
        foreach ((string suffix, long unit) in SizeUnits)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                multiplier = unit;
                digits = text[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (digits.Length == 0
            || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long count))
            return ConfigParseResult<long?>.Fail(Expected);
        long bytes;
        try
        {
            bytes = checked(count * multiplier);
        }
        catch (OverflowException)
        {
            return ConfigParseResult<long?>.Fail(Expected);
        }

        return bytes < min
            ? ConfigParseResult<long?>.Fail("must be at least " + FormatSize(min))
            : ConfigParseResult<long?>.Ok(bytes);
    }

    public static string FormatSize(long bytes)
    {
        foreach ((string suffix, long unit) in SizeUnits.AsSpan(0, 4))
        {
            if (bytes >= unit && bytes % unit == 0)
                return (bytes / unit).ToString(CultureInfo.InvariantCulture) + suffix;
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        foreach (string candidate in values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal)) return true;
        }

        return false;
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
