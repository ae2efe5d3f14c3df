namespace Samsa.Metadata.Controller;

/// <summary>The outcome of a controller operation with nothing else to return.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Message">Why it failed, in Kafka's wording where Kafka has one; null on success.</param>
public readonly record struct ControllerResult(ControllerStatus Status, string? Message = null)
{
    public static ControllerResult Ok => default;

    public bool IsOk => Status == ControllerStatus.Ok;
}
