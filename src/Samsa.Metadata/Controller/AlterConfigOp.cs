namespace Samsa.Metadata.Controller;

/// <summary>One change to one config.</summary>
/// <param name="Name">The config name.</param>
/// <param name="Value">The value (for <see cref="AlterConfigOpType.Append"/> and
/// <see cref="AlterConfigOpType.Subtract"/>, comma-separated items); ignored by
/// <see cref="AlterConfigOpType.Delete"/>.</param>
/// <param name="OpType">The operation; AlterConfigs (the legacy API) uses <see cref="AlterConfigOpType.Set"/>.</param>
public readonly record struct AlterConfigOp(string Name, string? Value,
    AlterConfigOpType OpType = AlterConfigOpType.Set);
