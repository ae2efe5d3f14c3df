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
/// <param name="DirectoryId">The directory's own id (Kafka's <c>directory.id</c>, KIP-858), which a broker names
/// when it registers and when the directory fails; empty in a file written before Samsa kept one.</param>
public sealed record MetaProperties(string ClusterId, int NodeId, int Version = 1, Guid DirectoryId = default)
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
        Guid directoryId = Guid.Empty;
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
                case "directory.id":
                    directoryId = ParseUuid(value);
                    break;
            }
        }
        if (clusterId is null || nodeId is null || version is null)
            throw new InvalidDataException($"{path} lacks cluster.id, node.id or version");
        return new MetaProperties(clusterId, nodeId.Value, version.Value, directoryId);
    }

    /// <summary>A new random directory id.</summary>
    public static Guid NewDirectoryId() => Guid.NewGuid();

    // Kafka writes uuids as URL-safe base64 without padding; a value that does not parse counts as none.
    private static Guid ParseUuid(string text)
    {
        string base64 = text.Replace('-', '+').Replace('_', '/') + "==";
        Span<byte> bytes = stackalloc byte[18];
        return Convert.TryFromBase64String(base64, bytes, out int written) && written == 16
            ? new Guid(bytes[..16], bigEndian: true)
            : Guid.Empty;
    }

    private static string FormatUuid(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Writes the file atomically (temporary file, sync, rename).</summary>
    public void Write(string directory)
    {
        string path = Path.Combine(directory, FileName);
        string directoryId = DirectoryId == Guid.Empty ? "" : $"directory.id={FormatUuid(DirectoryId)}\n";
        string text = string.Create(CultureInfo.InvariantCulture,
            $"#\n#Written by Samsa\ncluster.id={ClusterId}\nnode.id={NodeId}\nversion={Version}\n{directoryId}");
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
