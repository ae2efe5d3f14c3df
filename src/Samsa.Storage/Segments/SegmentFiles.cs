using System.Globalization;

namespace Samsa.Storage.Segments;

/// <summary>
/// Names of a segment's files, as Kafka names them: the base offset in 20 zero-padded digits and a suffix.
/// </summary>
internal static class SegmentFiles
{
    public const string LogSuffix = ".log";
    public const string IndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";

    /// <summary>A file being deleted: removed at the next start if a crash interrupted the delete.</summary>
    public const string DeletedSuffix = ".deleted";

    /// <summary>A cleaner's output still being written: never complete, removed at start.</summary>
    public const string CleanedSuffix = ".cleaned";

    /// <summary>A cleaner's finished output waiting to replace the segments it covers: installed at start.</summary>
    public const string SwapSuffix = ".swap";

    public static string FileName(long baseOffset, string suffix) =>
        baseOffset.ToString("D20", CultureInfo.InvariantCulture) + suffix;

    public static string PathOf(string directory, long baseOffset, string suffix) =>
        Path.Combine(directory, FileName(baseOffset, suffix));

    /// <summary>Parses <c>00000000000000000042.log</c> (or another suffix) to 42.</summary>
    public static bool TryParseBaseOffset(string fileName, string suffix, out long baseOffset)
    {
        baseOffset = -1;
        if (!fileName.EndsWith(suffix, StringComparison.Ordinal)) return false;
        ReadOnlySpan<char> digits = fileName.AsSpan(0, fileName.Length - suffix.Length);
        return digits.Length == 20 &&
            long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }
}
