using System.Globalization;
using System.Text;

namespace Samsa.Storage;

/// <summary>
/// A log dir's <c>meta.properties</c> (Java properties text, as Kafka writes it in KRaft mode, version 1): which
/// cluster and node the directory belongs to, so a broker never mixes its data with another cluster's.
/// </summary>
/// <param name="ClusterId">The cluster's id.</param>
/// <param name="NodeId">The node's id.</param>
/// <param name="Version">The file's version: 1 for KRaft.</param>
public sealed record MetaProperties(string ClusterId, int NodeId, int Version = 1)
{
    public const string FileName = "meta.properties";

    /// <summary>Reads <c>meta.properties</c> in <paramref name="directory"/>; null when it does not exist.</summary>
    /// <exception cref="InvalidDataException">The file lacks <c>cluster.id</c>, <c>node.id</c> or
    /// <c>version</c>.</exception>
    public static MetaProperties? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        string? clusterId = null;
        int? nodeId = null;
        int? version = null;
        foreach (string raw in File.ReadAllLines(path, Encoding.UTF8))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0) continue;
            string key = line[..equals].Trim();
            string value = line[(equals + 1)..].Trim();
            switch (key)
            {
                case "cluster.id":
                    clusterId = value;
                    break;
                case "node.id" when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                    out int node):
                    nodeId = node;
                    break;
                case "version" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v):
                    version = v;
                    break;
            }
        }
        if (clusterId is null || nodeId is null || version is null)
            throw new InvalidDataException($"{path} lacks cluster.id, node.id or version");
        return new MetaProperties(clusterId, nodeId.Value, version.Value);
    }

    /// <summary>Writes the file atomically (temporary file, sync, rename).</summary>
    public void Write(string directory)
    {
        string path = Path.Combine(directory, FileName);
        string text = string.Create(CultureInfo.InvariantCulture,
            $"#\n#Written by Samsa\ncluster.id={ClusterId}\nnode.id={NodeId}\nversion={Version}\n");
        string temporary = path + ".tmp";
        using (var file = LogFile.Open(temporary, FileMode.Create, faults: null))
        {
            file.Write(Encoding.UTF8.GetBytes(text), 0);
            file.Sync();
        }
        File.Move(temporary, path, overwrite: true);
        FileSync.SyncDirectory(directory);
    }
}
