namespace Samsa.Metadata.Controller;

/// <summary>The changes to one resource's configs.</summary>
/// <param name="Resource">A topic, a broker, or the broker default.</param>
/// <param name="Ops">The changes; a config name may appear once.</param>
public sealed record AlterConfigsResource(ConfigResource Resource, IReadOnlyList<AlterConfigOp> Ops);
