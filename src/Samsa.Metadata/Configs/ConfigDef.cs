using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Configs;

/// <summary>
/// One configuration key, defined once: its Kafka name, type, default, bounds or valid values, whether it can be
/// changed at run time, its importance and its documentation. The definitions in <see cref="BrokerConfigs"/> and
/// <see cref="TopicConfigs"/> drive start-up parsing, DescribeConfigs, AlterConfigs validation, <c>--help</c> and
/// <c>docs/configuration.md</c>.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Parsing never throws for bad input: it returns an error phrased to follow
/// "<c>key=value</c>", such as "must be at least 1". Values are trimmed before parsing, as Kafka does.
/// </remarks>
public abstract partial class ConfigDef
{
    private protected ConfigDef(string name, ConfigType type, string doc, ConfigImportance importance, bool dynamic,
        bool samsa, string? validValues)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(doc);
        Name = name;
        Type = type;
        Documentation = doc;
        Importance = importance;
        IsDynamic = dynamic;
        IsSamsaExtension = samsa;
        ValidValues = validValues;
    }

    /// <summary>The key, exactly as Kafka spells it (<c>min.insync.replicas</c>).</summary>
    public string Name { get; }

    /// <summary>The type DescribeConfigs reports.</summary>
    public ConfigType Type { get; }

    /// <summary>What the key means, in a sentence or three; DescribeConfigs returns it as the documentation.</summary>
    public string Documentation { get; }

    public ConfigImportance Importance { get; }

    /// <summary>
    /// Whether AlterConfigs may change it while the cluster runs, for one broker or as the cluster-wide default
    /// (Kafka's "cluster-wide" update mode). Other broker keys are read-only: they take effect at start-up.
    /// </summary>
    public bool IsDynamic { get; }

    /// <summary>A password: its value is never logged, printed or returned by DescribeConfigs.</summary>
    public bool IsSensitive => Type == ConfigType.Password;

    /// <summary>A key of Samsa's own, not Kafka's (<c>log.flush.mode</c>, <c>samsa.memory</c>).</summary>
    public bool IsSamsaExtension { get; }

    /// <summary>The valid values in Kafka's notation (<c>[1,...]</c>, <c>[compact, delete]</c>); null when
    /// any.</summary>
    public string? ValidValues { get; }

    /// <summary>The default as text, as DescribeConfigs and the docs show it; null when the key has none.</summary>
    public abstract string? DefaultText { get; }

    /// <summary>Whether the key has a default; a key without one is unset unless configured.</summary>
    public bool HasDefault => DefaultText is not null;

    /// <summary>
    /// Parses and validates <paramref name="text"/>, giving the value in canonical form (trimmed, lists joined by
    /// commas) or an error such as "must be at least 1".
    /// </summary>
    public abstract bool TryCanonicalize(string text, [NotNullWhen(true)] out string? canonical,
        [NotNullWhen(false)] out string? error);

    /// <summary>The error for <paramref name="text"/>, or null when it is a valid value.</summary>
    public string? Validate(string text) => TryCanonicalize(text, out _, out string? error) ? null : error;

    public override string ToString() => Name;
}
