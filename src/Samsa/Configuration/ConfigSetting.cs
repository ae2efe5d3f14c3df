namespace Samsa.Configuration;

/// <summary>The effective value of one key, with its source.</summary>
/// <param name="Definition">The key.</param>
/// <param name="Value">The value in canonical form; null when unset and without a default.</param>
/// <param name="Origin">Where it came from.</param>
internal sealed record ConfigSetting(ConfigDef Definition, string? Value, ConfigOrigin Origin)
{
    public const string Hidden = "[hidden]";

    public bool IsDefault => Origin.Kind == ConfigOriginKind.Default;

    /// <summary>The value as logs and <c>samsa config print</c> show it: passwords masked, unset shown empty.</summary>
    public string DisplayValue => Definition.IsSensitive && Value is not null ? Hidden : Value ?? "";
}
