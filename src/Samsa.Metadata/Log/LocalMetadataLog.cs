using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Samsa.Metadata.Log;

// One node's metadata log, in one file under <log.dir>/__cluster_metadata-0/. Appends take the append lock, write one
// entry (MetadataLogEntry), fsync, and deliver the batch to the listeners before releasing the lock, so listeners see
// batches in order and an append returns only after every listener has applied it. The node leads its own log: each
// open starts a new leader epoch, one above the last entry's. On an I/O error the log goes offline (appends answer
// StorageError) and stays so; nothing is retried. What survives a crash: every entry whose CRC checks, up to the first
// that does not; opening truncates the rest.
/// <summary>
/// A metadata log on the local disk of a single node: <c>&lt;log.dir&gt;/__cluster_metadata-0/metadata.journal</c>,
/// durable per append (fsync), with a CRC per entry and torn-tail recovery on open.
/// </summary>
/// <remarks>Thread-safe. Appends are serialized; <see cref="ReadAsync"/> and <see cref="Subscribe"/> may be called
/// from any thread. Listeners are called on the appending thread, under the append lock.</remarks>
public sealed class LocalMetadataLog : IMetadataLog
{
    /// <summary>The log's directory under the log dir, named as Kafka names the metadata partition.</summary>
    public const string DirectoryName = "__cluster_metadata-0";

    /// <summary>The file that holds the entries.</summary>
    public const string FileName = "metadata.journal";

    private readonly SemaphoreSlim _appendLock = new(1, 1);
    private readonly List<EntryPosition> _entries;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MetadataListeners _listeners;
    private readonly SafeFileHandle _handle;
    private long _end;
    private long _committedOffset;
    private bool _offline;
    private bool _closed;

    private LocalMetadataLog(string path, int nodeId, int epoch, SafeFileHandle handle, List<EntryPosition> entries,
        long end, TimeProvider time, ILogger logger)
    {
        FilePath = path;
        NodeId = nodeId;
        Leader = new LeaderAndEpoch(nodeId, epoch);
        _handle = handle;
        _entries = entries;
        _end = end;
        _committedOffset = entries.Count == 0 ? -1 : entries[^1].LastOffset;
        _time = time;
        _logger = logger;
        _listeners = new MetadataListeners(logger);
    }

    /// <summary>The file that holds the entries.</summary>
    public string FilePath { get; }

    public int NodeId { get; }

    /// <summary>This node, in the epoch it took when the log was opened.</summary>
    public LeaderAndEpoch Leader { get; }

    public long CommittedOffset => Volatile.Read(ref _committedOffset);

    /// <summary>Opens (creating if needed) the metadata log under <paramref name="logDir"/>, truncating a torn
    /// tail.</summary>
    /// <exception cref="InvalidDataException">An entry whose CRC checks cannot be read (written by a newer Samsa, or
    /// offsets out of order): a human must look.</exception>
    /// <exception cref="IOException">The disk failed.</exception>
    public static LocalMetadataLog Open(string logDir, int nodeId, TimeProvider time, ILogger logger)
    {
        string directory = Path.Combine(logDir, DirectoryName);
        bool created = !Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        bool fileCreated = !File.Exists(path);
        SafeFileHandle handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (created) DirectorySync.Sync(logDir);
            if (fileCreated) DirectorySync.Sync(directory);
            var entries = new List<EntryPosition>();
            long end = Recover(handle, path, entries, logger);
            int lastEpoch = 0;
            if (entries.Count > 0) lastEpoch = Math.Max(0, entries[^1].Epoch);
            var log = new LocalMetadataLog(path, nodeId, lastEpoch + 1, handle, entries, end, time, logger);
            logger.OpenedMetadataLog(path, entries.Count, log.CommittedOffset, lastEpoch + 1);
            return log;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public async ValueTask<MetadataAppendResult> AppendAsync(int leaderEpoch, IReadOnlyList<IMetadataRecord> records,
        CancellationToken cancellationToken)
    {
        if (records.Count == 0) throw new ArgumentException("an append needs at least one record", nameof(records));
        if (leaderEpoch != Leader.Epoch) return MetadataAppendResult.Failed(MetadataAppendStatus.NotLeader);
        await _appendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_offline) return MetadataAppendResult.Failed(MetadataAppendStatus.StorageError);
            long baseOffset = _committedOffset + 1;
            DateTimeOffset now = _time.GetUtcNow();
            byte[]? entry = MetadataLogEntry.Encode(baseOffset, Leader.Epoch, now, records);
            if (entry is null) return MetadataAppendResult.Failed(MetadataAppendStatus.BatchTooLarge);
            try
            {
                RandomAccess.Write(_handle, entry, _end);
                RandomAccess.FlushToDisk(_handle);
            }
            catch (IOException e)
            {
                _offline = true;
                _logger.MetadataLogOffline(e, FilePath, "appending");
                return MetadataAppendResult.Failed(MetadataAppendStatus.StorageError);
            }
            _entries.Add(new EntryPosition(baseOffset, records.Count, Leader.Epoch, _end, entry.Length));
            _end += entry.Length;
            var batch = new MetadataBatch(baseOffset, Leader.Epoch, now, records);
            Volatile.Write(ref _committedOffset, batch.LastOffset);
            _listeners.Deliver(batch);
            return new MetadataAppendResult(MetadataAppendStatus.Ok, batch.BaseOffset, batch.LastOffset);
        }
        finally
        {
            _appendLock.Release();
        }
    }

    public async IAsyncEnumerable<MetadataBatch> ReadAsync(long fromOffset,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EntryPosition[] entries;
        await _appendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            entries = [.. _entries];
        }
        finally
        {
            _appendLock.Release();
        }
        // Entries are never rewritten while the log is open, so they can be read without the lock.
        for (int i = FirstEntryAtOrAfter(entries, fromOffset); i < entries.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ReadEntry(entries[i]);
        }
    }

    /// <summary>Replays every batch in the file to <paramref name="listener"/>, then delivers each new one.</summary>
    public IDisposable Subscribe(IMetadataLogListener listener)
    {
        _appendLock.Wait();
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            foreach (EntryPosition entry in _entries) MetadataListeners.Deliver(listener, ReadEntry(entry), _logger);
            _listeners.Add(listener);
            return new MetadataListeners.Subscription(_listeners, listener);
        }
        finally
        {
            _appendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _appendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_closed) return;
            _closed = true;
            _handle.Dispose();
        }
        finally
        {
            _appendLock.Release();
        }
    }

    private MetadataBatch ReadEntry(EntryPosition entry)
    {
        byte[] bytes = new byte[entry.Size];
        ReadExactly(_handle, bytes, entry.Position, FilePath);
        return MetadataLogEntry.Decode(bytes);
    }

    private static int FirstEntryAtOrAfter(EntryPosition[] entries, long offset)
    {
        int lo = 0, hi = entries.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (entries[mid].LastOffset < offset) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    // Scans the file from the start; returns where the valid entries end, after truncating anything beyond.
    private static long Recover(SafeFileHandle handle, string path, List<EntryPosition> entries, ILogger logger)
    {
        long length = RandomAccess.GetLength(handle);
        long position = 0;
        long nextOffset = 0;
        string? torn = null;
        Span<byte> prefix = stackalloc byte[MetadataLogEntry.LengthSize];
        while (position < length)
        {
            if (length - position < MetadataLogEntry.LengthSize)
            {
                torn = "a partial length field";
                break;
            }
            ReadExactly(handle, prefix, position, path);
            int size = BinaryPrimitives.ReadInt32BigEndian(prefix);
            if (size is < MetadataLogEntry.MinLength or > MetadataLogEntry.MaxEntryBytes - MetadataLogEntry.LengthSize)
            {
                torn = $"an entry length of {size}";
                break;
            }
            if (size > length - position - MetadataLogEntry.LengthSize)
            {
                torn = "an entry that runs past the end of the file";
                break;
            }
            byte[] entry = new byte[MetadataLogEntry.LengthSize + size];
            ReadExactly(handle, entry, position, path);
            if (!MetadataLogEntry.HasValidCrc(entry))
            {
                torn = "an entry whose CRC does not match";
                break;
            }
            MetadataBatch batch = MetadataLogEntry.Decode(entry);
            if (batch.BaseOffset != nextOffset)
            {
                throw new InvalidDataException(
                    $"{path}: the entry at position {position} starts at offset {batch.BaseOffset}, not {nextOffset}");
            }
            entries.Add(new EntryPosition(batch.BaseOffset, batch.Records.Count, batch.Epoch, position, entry.Length));
            nextOffset = batch.LastOffset + 1;
            position += entry.Length;
        }
        if (torn is not null)
        {
            RandomAccess.SetLength(handle, position);
            RandomAccess.FlushToDisk(handle);
            logger.TruncatedTornTail(path, nextOffset, length - position, torn);
        }
        return position;
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long position, string path)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, position);
            if (read == 0) throw new IOException($"{path}: unexpected end of file at position {position}");
            buffer = buffer[read..];
            position += read;
        }
    }

    private readonly record struct EntryPosition(long BaseOffset, int RecordCount, int Epoch, long Position, int Size)
    {
        public long LastOffset => BaseOffset + RecordCount - 1;
    }
}
