namespace Samsa.Metadata.Controller;

/// <summary>The outcome for one resource of an AlterConfigs or IncrementalAlterConfigs request.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Message">Why it failed; null on success.</param>
public readonly record struct AlterConfigsResult(ConfigResource Resource, ControllerStatus Status, string? Message);
