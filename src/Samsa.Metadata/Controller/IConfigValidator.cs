using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Controller;

/// <summary>What the controller needs to know about config names and values: whether a resource's configs are valid,
/// which are lists (for APPEND and SUBTRACT), and their defaults.</summary>
/// <remarks><see cref="ConfigDefValidator"/> answers from the definitions in <c>Configs/</c>. Thread-safe.</remarks>
public interface IConfigValidator
{
    /// <summary>Checks the dynamic configs a resource would have after a change: every name known (and, for a broker,
    /// changeable at run time), every value valid.</summary>
    /// <param name="resourceType">Topic or broker.</param>
    /// <param name="configs">Every config the resource would have, by name.</param>
    /// <param name="error">The first problem, in Kafka's wording, when invalid.</param>
    bool TryValidate(ConfigResourceType resourceType, IReadOnlyDictionary<string, string> configs,
        [NotNullWhen(false)] out string? error);

    /// <summary>True for list configs (<c>cleanup.policy</c>), the only ones APPEND and SUBTRACT may change.</summary>
    bool IsList(ConfigResourceType resourceType, string name);

    /// <summary>The default value as text, or null: what APPEND and SUBTRACT start from when nothing is set.</summary>
    string? DefaultValue(ConfigResourceType resourceType, string name);
}
