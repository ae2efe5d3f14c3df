namespace Samsa.Configuration;

/// <summary>
/// Where a value came from, as messages name it: <c>default</c>, <c>server.properties:12</c>, <c>.env:3</c>,
/// <c>SAMSA_NODE_ID</c>, <c>KAFKA_CFG_NODE_ID</c>, <c>--node.id</c>, <c>--override</c>.
/// </summary>
/// <param name="Kind">The source.</param>
/// <param name="Description">The file and line, variable or flag.</param>
internal readonly record struct ConfigOrigin(ConfigOriginKind Kind, string Description)
{
    public static ConfigOrigin Default { get; } = new(ConfigOriginKind.Default, "default");

    public override string ToString() => Description;
}
