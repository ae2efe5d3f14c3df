using System.Globalization;

namespace Samsa.Testing;

/// <summary>
/// The settings a test node starts from, whether in this process or as <c>samsa broker</c>; a test changes or adds
/// to them. More nodes of one cluster will differ here (node id, data folder, and later the controller quorum).
/// </summary>
public static class NodeSettings
{
    /// <summary>
    /// Node <paramref name="nodeId"/> with its Kafka and HTTP listeners on loopback ports the OS chooses, its data
    /// in <paramref name="dataDir"/>, and one partition for a topic created without a count.
    /// </summary>
    public static Dictionary<string, string> Defaults(int nodeId, string dataDir) => new()
    {
        ["node.id"] = nodeId.ToString(CultureInfo.InvariantCulture),
        ["listeners"] = "PLAINTEXT://127.0.0.1:0",
        ["log.dirs"] = dataDir,
        ["http.listeners"] = "http://127.0.0.1:0",
        ["num.partitions"] = "1",
    };
}
