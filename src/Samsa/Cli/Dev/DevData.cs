namespace Samsa.Cli.Dev;

/// <summary>
/// <c>samsa dev --reset</c>: deletes the dev node's log directories, and nothing else. The default folder
/// (<c>./data/dev</c>) is always deleted; a folder given by <c>log.dirs</c> only when it is a Samsa log directory
/// (it holds <c>meta.properties</c>) or is empty, and never the working directory or one above it.
/// </summary>
internal static class DevData
{
    public static bool TryReset(IReadOnlyList<string> logDirs, bool isDefaultDirectory, TextWriter output,
        out string? error)
    {
        error = null;
        string workingDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath("."));
        foreach (string logDir in logDirs)
        {
            string directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(logDir));
            if (!Directory.Exists(directory)) continue;
            if (IsSameOrAbove(directory, workingDirectory))
            {
                error = $"samsa: --reset refuses to delete {directory}: it holds the working directory";
                return false;
            }

            if (!isDefaultDirectory && !File.Exists(Path.Combine(directory, Storage.MetaProperties.FileName))
                && Directory.EnumerateFileSystemEntries(directory).Any())
            {
                error = $"samsa: --reset refuses to delete {directory}: it has no {Storage.MetaProperties.FileName}, "
                    + "so it is not a Samsa log directory";
                return false;
            }

            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"samsa: --reset could not delete {directory}: {e.Message}";
                return false;
            }

            output.WriteLine($"Deleted {directory}");
        }

        return true;
    }

    private static bool IsSameOrAbove(string directory, string workingDirectory) =>
        workingDirectory == directory
        || workingDirectory.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || directory == Path.GetPathRoot(directory);
}
