using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Configs;

/// <summary>A configuration key whose values are of type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The value type; nullable (<c>int?</c>, <c>string?</c>) for keys without a default.</typeparam>
/// <remarks>Immutable and thread-safe; build instances with the factories on <see cref="ConfigDef"/>.</remarks>
public sealed class ConfigDef<T> : ConfigDef
{
    private readonly Func<string, ConfigParseResult<T>> _parse;
    private readonly Func<T, string> _format;

    internal ConfigDef(string name, ConfigType type, T defaultValue, bool hasDefault, string doc,
        ConfigImportance importance, bool dynamic, bool samsa, string? validValues,
        Func<string, ConfigParseResult<T>> parse, Func<T, string> format)
        : base(name, type, doc, importance, dynamic, samsa, validValues)
    {
        _parse = parse;
        _format = format;
        Default = defaultValue;
        DefaultText = hasDefault ? format(defaultValue) : null;
        if (hasDefault && !parse(DefaultText!).IsValid)
        {
            throw new ArgumentException($"{name}: the default {DefaultText} is not a valid value",
                nameof(defaultValue));
        }
    }

    /// <summary>The value when nothing configures the key: null (or the type's default) when it has none.</summary>
    public T Default { get; }

    public override string? DefaultText { get; }

    /// <summary>Parses and validates <paramref name="text"/> (trimmed first).</summary>
    public ConfigParseResult<T> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _parse(text.Trim());
    }

    /// <summary>The canonical text of <paramref name="value"/>, as DescribeConfigs shows it.</summary>
    public string Format(T value) => _format(value);

    /// <summary>
    /// The value of <paramref name="text"/>, or <see cref="Default"/> when it is null or invalid (a stored value
    /// was validated when it was written; this keeps a reader going if one was not).
    /// </summary>
    public T ParseOrDefault(string? text)
    {
        if (text is null) return Default;
        ConfigParseResult<T> result = Parse(text);
        return result.IsValid ? result.Value : Default;
    }

    public override bool TryCanonicalize(string text, [NotNullWhen(true)] out string? canonical,
        [NotNullWhen(false)] out string? error)
    {
        ConfigParseResult<T> result = Parse(text);
        if (!result.IsValid)
        {
            canonical = null;
            error = result.Error!;
            return false;
        }

        canonical = _format(result.Value);
        error = null;
        return true;
    }
}
