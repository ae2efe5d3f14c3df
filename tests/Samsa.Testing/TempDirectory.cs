namespace Samsa.Testing;

/// <summary>
/// A new, empty folder under the system's temporary folder, removed with everything in it on dispose. Removal is
/// best effort: a file still open on another thread or a folder the test already deleted does not fail the test.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    /// <param name="prefix">The start of the folder's name, to tell whose it is: "samsa-storage-".</param>
    public TempDirectory(string prefix = "samsa-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose() => DeleteQuietly(Path);

    /// <summary>Removes <paramref name="path"/> and everything in it, if it can; never throws for it.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Already gone (DirectoryNotFoundException), or a file still in use.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
