using System.Globalization;

namespace Samsa.Testing;

/// <summary>
/// The settings a test node starts from, whether in this process or as <c>samsa broker</c>; a test changes or adds
/// to them. Nodes of one cluster differ in node id, data folder and role (<see cref="JoinQuorum"/>).
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

    /// <summary>
    /// Makes node <paramref name="nodeId"/> a member of a cluster whose one controller is node 1 at
    /// <paramref name="voters"/> (<c>1@host:port</c>): node 1 gets the CONTROLLER listener there, the others the broker
    /// role only. Kafka's KRaft keys, as an operator would write them.
    /// </summary>
    public static void JoinQuorum(Dictionary<string, string> settings, int nodeId, string voters)
    {
        settings["controller.quorum.voters"] = voters;
        settings["controller.listener.names"] = "CONTROLLER";
        if (nodeId == 1)
        {
            settings["process.roles"] = "broker,controller";
            settings["listeners"] += ",CONTROLLER://" + voters[(voters.IndexOf('@', StringComparison.Ordinal) + 1)..];
        }
        else
        {
            settings["process.roles"] = "broker";
        }
    }
}
