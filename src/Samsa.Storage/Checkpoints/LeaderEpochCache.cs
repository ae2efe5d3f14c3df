using System.Globalization;

namespace Samsa.Storage.Checkpoints;

/// <summary>
/// Which leader epoch began at which offset, kept in the partition's <c>leader-epoch-checkpoint</c> (one
/// <c>epoch startOffset</c> line per epoch). A follower that rejoins asks the leader where its last epoch ended
/// (OffsetForLeaderEpoch) and truncates there.
/// </summary>
/// <remarks>
/// The writer assigns and truncates under the log's lock; replication handlers read from their own threads, so a
/// small lock guards the list. The file is rewritten (atomically, synced) on every change: once per leader
/// election, not per append.
/// </remarks>
internal sealed class LeaderEpochCache
{
    public const string FileName = "leader-epoch-checkpoint";

    private readonly Lock _lock = new();
    private readonly List<EpochEntry> _entries = [];
    private readonly string _path;
    private int _latestEpoch = -1;

    private LeaderEpochCache(string path) => _path = path;

    /// <summary>The latest epoch, or -1 when none is known; read without the lock on every append.</summary>
    public int LatestEpoch => Volatile.Read(ref _latestEpoch);

    public EpochEntry[] Entries
    {
        get
        {
            lock (_lock)
                return [.. _entries];
        }
    }

    /// <summary>
    /// Loads the checkpoint in <paramref name="directory"/>; <paramref name="isValid"/> is false when it was missing
    /// or unreadable, and the caller rebuilds it from the log.
    /// </summary>
    public static LeaderEpochCache Load(string directory, out bool isValid)
    {
        var cache = new LeaderEpochCache(Path.Combine(directory, FileName));
        isValid = false;
        try
        {
            List<string>? lines = CheckpointFile.Read(cache._path);
            if (lines is null) return cache;
            foreach (string line in lines)
            {
                string[] fields = line.Split(' ');
                if (fields.Length != 2 ||
                    !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch))
                {
                    throw new InvalidDataException($"{cache._path}: '{line}' is not 'epoch startOffset'");
                }
                var entry = new EpochEntry(epoch, CheckpointFile.ParseLong(cache._path, fields[1]));
                if (cache._entries.Count > 0 && (entry.Epoch <= cache._entries[^1].Epoch ||
                    entry.StartOffset < cache._entries[^1].StartOffset))
                {
                    throw new InvalidDataException($"{cache._path}: entries do not ascend at '{line}'");
                }
                cache._entries.Add(entry);
            }
            cache._latestEpoch = cache._entries.Count == 0 ? -1 : cache._entries[^1].Epoch;
            isValid = true;
        }
        catch (InvalidDataException)
        {
            cache._entries.Clear();
        }
        return cache;
    }

    /// <summary>Records that <paramref name="epoch"/> began at <paramref name="startOffset"/> if it is new.</summary>
    /// <returns>True when the cache (and file) changed.</returns>
    public bool Assign(int epoch, long startOffset)
    {
        if (epoch < 0) return false;
        lock (_lock)
        {
            if (_entries.Count > 0)
            {
                EpochEntry last = _entries[^1];
                if (epoch < last.Epoch || (epoch == last.Epoch && startOffset >= last.StartOffset)) return false;
                if (epoch == last.Epoch) _entries.RemoveAt(_entries.Count - 1);
            }
            // Entries whose start is not below the new one are from a history that no longer exists.
            while (_entries.Count > 0 && _entries[^1].StartOffset >= startOffset)
                _entries.RemoveAt(_entries.Count - 1);
            _entries.Add(new EpochEntry(epoch, startOffset));
            WriteLocked();
            return true;
        }
    }

    /// <summary>
    /// Kafka's answer to OffsetForLeaderEpoch: for the latest epoch, the log end; otherwise the start of the next
    /// higher epoch, with the largest known epoch at or below the requested one.
    /// </summary>
    public OffsetAndEpoch EndOffsetFor(int requestedEpoch, long logEndOffset)
    {
        lock (_lock)
        {
            if (requestedEpoch < 0 || _entries.Count == 0) return OffsetAndEpoch.Undefined;
            if (_entries[^1].Epoch == requestedEpoch) return new OffsetAndEpoch(logEndOffset, requestedEpoch);
            int higher = -1;
            for (int i = 0; i < _entries.Count; i++)
            {
                if (_entries[i].Epoch > requestedEpoch)
                {
                    higher = i;
                    break;
                }
            }
            if (higher < 0) return OffsetAndEpoch.Undefined;
            int floorEpoch = higher == 0 ? requestedEpoch : _entries[higher - 1].Epoch;
            return new OffsetAndEpoch(_entries[higher].StartOffset, floorEpoch);
        }
    }

    /// <summary>Forgets epochs that begin at or after <paramref name="endOffset"/>: the log was truncated
    /// there.</summary>
    public void TruncateFromEnd(long endOffset)
    {
        lock (_lock)
        {
            int count = _entries.Count;
            while (_entries.Count > 0 && _entries[^1].StartOffset >= endOffset)
                _entries.RemoveAt(_entries.Count - 1);
            if (_entries.Count != count) WriteLocked();
        }
    }

    /// <summary>
    /// The log now starts at <paramref name="startOffset"/>: epochs that ended before it go, and the one in force
    /// there starts there, unless that is already the log end (<paramref name="endOffset"/>): an epoch with no
    /// offsets in the log is not kept, here or at the next load.
    /// </summary>
    public void TruncateFromStart(long startOffset, long endOffset)
    {
        lock (_lock)
        {
            int firstKept = 0;
            while (firstKept + 1 < _entries.Count && _entries[firstKept + 1].StartOffset <= startOffset)
                firstKept++;
            bool changed = firstKept > 0;
            _entries.RemoveRange(0, firstKept);
            if (_entries.Count > 0 && _entries[0].StartOffset < startOffset)
            {
                _entries[0] = _entries[0] with { StartOffset = startOffset };
                changed = true;
            }
            while (_entries.Count > 0 && _entries[^1].StartOffset >= endOffset)
            {
                _entries.RemoveAt(_entries.Count - 1);
                changed = true;
            }
            if (changed) WriteLocked();
        }
    }

    /// <summary>Forgets everything (the log was emptied) and writes the file.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            WriteLocked();
        }
    }

    /// <summary>Writes the file as the cache stands (after a rebuild).</summary>
    public void Flush()
    {
        lock (_lock)
            WriteLocked();
    }

    private void WriteLocked()
    {
        Volatile.Write(ref _latestEpoch, _entries.Count == 0 ? -1 : _entries[^1].Epoch);
        var lines = new List<string>(_entries.Count);
        foreach (EpochEntry entry in _entries)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{entry.Epoch} {entry.StartOffset}"));
        CheckpointFile.Write(_path, lines);
    }
}
