namespace Samsa.Configuration;

/// <summary>What loading the configuration produced.</summary>
/// <param name="Configuration">Every key's value and source; null when a file or value was refused.</param>
/// <param name="Settings">The typed settings; null when there is any error.</param>
/// <param name="Errors">One line each, ready to print: "samsa: key=value (from source) must …".</param>
/// <param name="Warnings">Oddities that do not stop start-up.</param>
internal sealed record ConfigLoadResult(
    EffectiveConfiguration? Configuration,
    BrokerSettings? Settings,
    IReadOnlyList<string> Errors,
    IReadOnlyList<ConfigWarning> Warnings)
{
    public bool IsValid => Errors.Count == 0 && Settings is not null;
}
