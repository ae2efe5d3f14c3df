namespace Samsa.Configuration;

/// <summary>
/// The value of every defined key after all sources are applied, each with its source. Every value is valid: the
/// loader refuses bad ones.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
internal sealed class EffectiveConfiguration
{
    private readonly Dictionary<ConfigDef, ConfigSetting> _byDefinition;

    public EffectiveConfiguration(IReadOnlyList<ConfigSetting> settings)
    {
        Settings = settings;
        _byDefinition = settings.ToDictionary(s => s.Definition);
        var staticValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ConfigSetting setting in settings)
        {
            if (!setting.IsDefault && setting.Value is not null) staticValues[setting.Definition.Name] = setting.Value;
        }

        StaticValues = staticValues;
    }

    /// <summary>Every key, in its definitions' order.</summary>
    public IReadOnlyList<ConfigSetting> Settings { get; }

    /// <summary>The keys set by some source (not defaults), canonical text by name: Kafka's static broker
    /// config.</summary>
    public IReadOnlyDictionary<string, string> StaticValues { get; }

    /// <summary>The keys set by some source first, then the defaults; each group in definition order.</summary>
    public IEnumerable<ConfigSetting> InDisplayOrder =>
        Settings.Where(s => !s.IsDefault).Concat(Settings.Where(s => s.IsDefault));

    public ConfigSetting this[ConfigDef definition] => _byDefinition[definition];

    /// <summary>The typed value of <paramref name="definition"/>.</summary>
    public T Get<T>(ConfigDef<T> definition) => definition.ParseOrDefault(this[definition].Value);
}
