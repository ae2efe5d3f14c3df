using System.Globalization;
using System.Text;

namespace Samsa.Storage.Checkpoints;

/// <summary>
/// Kafka's checkpoint text format, shared by <c>leader-epoch-checkpoint</c>, <c>recovery-point-offset-checkpoint</c>
/// and <c>log-start-offset-checkpoint</c>: a version line (0), a count line, then one entry a line.
/// </summary>
/// <remarks>
/// Written whole to <c>name.tmp</c>, fdatasynced, renamed over the old file and the directory synced, so a crash
/// leaves either the old or the new content, never a mix. Callers serialize writes to one file.
/// </remarks>
internal static class CheckpointFile
{
    public const int CurrentVersion = 0;

    /// <summary>Replaces <paramref name="path"/> atomically with the version, count and
    /// <paramref name="lines"/>.</summary>
    public static void Write(string path, IReadOnlyList<string> lines)
    {
        var text = new StringBuilder();
        text.Append(CurrentVersion.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append(lines.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (string line in lines)
            text.Append(line).Append('\n');
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());

        string temporary = path + ".tmp";
        using (var file = LogFile.Open(temporary, FileMode.Create, faults: null))
        {
            file.Write(bytes, 0);
            file.Sync();
        }
        File.Move(temporary, path, overwrite: true);
        FileSync.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// Reads the entry lines; null when the file is missing. A wrong version, a count that disagrees with the lines,
    /// or a torn file gives <see cref="InvalidDataException"/>.
    /// </summary>
    public static List<string>? Read(string path)
    {
        if (!File.Exists(path)) return null;
        string[] lines = File.ReadAllText(path, Encoding.UTF8).Split('\n');
        int used = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        if (used < 2 || !int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out int version) ||
            version != CurrentVersion)
        {
            throw new InvalidDataException($"{path}: no checkpoint version {CurrentVersion} on the first line");
        }
        if (!int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) ||
            count != used - 2)
        {
            throw new InvalidDataException($"{path}: the count line does not match the {used - 2} entries");
        }
        var entries = new List<string>(count);
        for (int i = 2; i < used; i++)
            entries.Add(lines[i]);
        return entries;
    }

    public static long ParseLong(string path, string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long result)
            ? result
            : throw new InvalidDataException($"{path}: '{value}' is not a number");
}
