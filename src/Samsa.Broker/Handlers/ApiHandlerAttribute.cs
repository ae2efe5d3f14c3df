namespace Samsa.Broker.Handlers;

/// <summary>
/// Declares the API and versions a handler serves. ApiVersions is computed from these declarations, so the broker
/// advertises exactly what it implements.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
internal sealed class ApiHandlerAttribute(ApiKey key) : Attribute
{
    public ApiKey Key { get; } = key;

    public short MinVersion { get; init; }

    public short MaxVersion { get; init; }
}
