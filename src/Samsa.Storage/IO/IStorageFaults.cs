namespace Samsa.Storage.IO;

/// <summary>
/// A test's hook into every write and sync of the storage files, to inject a full disk or a failing device. Null
/// in production; the check is one field read per write.
/// </summary>
internal interface IStorageFaults
{
    /// <summary>
    /// Called before <paramref name="length"/> bytes are written at <paramref name="position"/> of
    /// <paramref name="path"/>. Returns how many of them may be written; fewer than <paramref name="length"/> writes
    /// that many and then fails as a full disk does (ENOSPC). May also throw an <see cref="IOException"/> itself.
    /// </summary>
    int OnWrite(string path, long position, int length);

    /// <summary>Called before a file is synced; may throw an <see cref="IOException"/>.</summary>
    void OnSync(string path);
}
