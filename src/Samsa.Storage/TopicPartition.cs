using System.Globalization;

namespace Samsa.Storage;

/// <summary>A topic's partition: the unit that owns one log.</summary>
/// <param name="Topic">The topic's name.</param>
/// <param name="Partition">The partition's index, from 0.</param>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    /// <summary>The name of the partition's directory under a log dir, as Kafka names it:
    /// <c>topic-partition</c>.</summary>
    public string DirectoryName => Topic + "-" + Partition.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses a partition directory's name. Topic names may contain '-', so the partition is what follows the last
    /// one; directories being deleted (<c>topic-0.id-delete</c>) do not parse.
    /// </summary>
    public static bool TryParseDirectoryName(string name, out TopicPartition topicPartition)
    {
        topicPartition = default;
        int dash = name.LastIndexOf('-');
        if (dash <= 0 || dash == name.Length - 1) return false;
        ReadOnlySpan<char> digits = name.AsSpan(dash + 1);
        foreach (char c in digits)
        {
            if (c is < '0' or > '9') return false;
        }
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int partition)) return false;
        topicPartition = new TopicPartition(name[..dash], partition);
        return true;
    }

    public override string ToString() => DirectoryName;
}
