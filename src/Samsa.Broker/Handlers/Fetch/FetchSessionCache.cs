namespace Samsa.Broker.Handlers;

/// <summary>
/// The broker's fetch sessions, bounded in number (Kafka's max.incremental.fetch.session.cache.slots, 1000): a new
/// session takes the slot of the one unused longest, and a session idle past its timeout is dropped. A client
/// whose session is gone gets FETCH_SESSION_ID_NOT_FOUND and starts a new one with a full fetch.
/// </summary>
/// <remarks>Thread-safe under one lock; sessions are touched once per fetch request.</remarks>
internal sealed class FetchSessionCache(TimeProvider time, int maxSessions = 1000, TimeSpan? idleTimeout = null)
{
    private readonly object _lock = new();
    private readonly Dictionary<int, FetchSession> _sessions = [];
    private readonly TimeSpan _idleTimeout = idleTimeout ?? TimeSpan.FromMinutes(2);

    public int Count
    {
        get
        {
            lock (_lock) return _sessions.Count;
        }
    }

    public FetchSession Create(bool topicIds)
    {
        lock (_lock)
        {
            EvictIfFull();
            int id;
            do id = Random.Shared.Next(1, int.MaxValue); while (_sessions.ContainsKey(id));
            var session = new FetchSession(id, topicIds, time.GetTimestamp());
            _sessions[id] = session;
            return session;
        }
    }

    public bool TryGet(int id, out FetchSession? session)
    {
        lock (_lock)
        {
            if (!_sessions.TryGetValue(id, out session)) return false;
            if (time.GetElapsedTime(session.LastUsedTimestamp) > _idleTimeout)
            {
                _sessions.Remove(id);
                session = null;
                return false;
            }
            session.LastUsedTimestamp = time.GetTimestamp();
            return true;
        }
    }

    public void Remove(int id)
    {
        lock (_lock) _sessions.Remove(id);
    }

    private void EvictIfFull()
    {
        if (_sessions.Count < maxSessions) return;
        FetchSession? oldest = null;
        foreach (FetchSession session in _sessions.Values)
        {
            if (oldest is null || session.LastUsedTimestamp < oldest.LastUsedTimestamp) oldest = session;
        }
        if (oldest is not null) _sessions.Remove(oldest.Id);
    }
}
