using Samsa.Metadata.Log;

namespace Samsa.Metadata.Controller;

// Broker lifecycle, as Kafka's KRaft controller runs it: a broker registers (fenced, with a new broker epoch),
// heartbeats, and is unfenced once it has applied the log up to its registration; it is fenced again when it asks to
// be, when it shuts down, or when its session (broker.session.timeout.ms) lapses. Fencing moves leadership away and
// shrinks ISRs in the same batch; unfencing elects it where partitions have no leader and, in the same batch, grows
// internal topics created with fewer replicas than configured (InternalTopics).
public sealed partial class MetadataController
{
    private const string ControlledShutdown = "controlled shutdown";

    private readonly Dictionary<int, BrokerSession> _sessions = [];
    private int _sessionsEpoch = -1;

    /// <summary>Registers a broker (Kafka's BrokerRegistration): a new broker epoch, fenced until it catches
    /// up.</summary>
    public async Task<BrokerRegistrationResult> RegisterBrokerAsync(BrokerRegistrationRequest request,
        CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryLead(out int epoch)) return new(ControllerStatus.NotController, NotController.Message, -1);
            MetadataImage image = _loader.Current;
            RefreshSessions(image, epoch);
            if (ValidateRegistration(image, request) is { } invalid) return new(invalid.Status, invalid.Message, -1);

            if (image.Brokers.TryGetBroker(request.BrokerId, out BrokerRegistration? existing))
            {
                if (existing.IncarnationId == request.IncarnationId && SameRegistration(existing, request))
                {
                    Touch(existing.BrokerId, existing.BrokerEpoch);
                    return new(ControllerStatus.Ok, null, existing.BrokerEpoch);
                }
                if (existing.IncarnationId != request.IncarnationId && HasLiveSession(existing))
                {
                    return new(ControllerStatus.DuplicateBrokerRegistration,
                        $"Another broker is registered with broker id {request.BrokerId}: its session is still alive.",
                        -1);
                }
            }

            long brokerEpoch = image.Offset + 1;
            List<IMetadataRecord> records = [RegistrationRecord(request, brokerEpoch)];
            var changes = new PartitionChangeSet(records);
            // A new incarnation lost what the old one held in memory: it may not lead until it is unfenced again.
            // After an unclean shutdown (or with no registration to compare with) it may also have lost the unflushed
            // tail of its logs: it leaves every ELR, so it is not elected over a replica that holds them (KIP-966).
            bool cleanShutdown = existing is not null && request.PreviousBrokerEpoch == existing.BrokerEpoch;
            if (existing is { IsFenced: false } || !cleanShutdown)
            {
                changes.RemoveBroker(image, request.BrokerId, Excluding(image, request.BrokerId), Options,
                    uncleanShutdown: !cleanShutdown);
            }

            (ControllerResult result, MetadataAppendResult append) =
                await CommitAsync(epoch, records, cancellationToken).ConfigureAwait(false);
            if (!result.IsOk) return new(result.Status, result.Message, -1);
            _sessions[request.BrokerId] =
                new BrokerSession(brokerEpoch, append.BaseOffset, _time.GetTimestamp(), contacted: true);
            _logger.BrokerRegistered(request.BrokerId, brokerEpoch, request.IncarnationId, existing is null
                ? "nothing: its first registration"
                : cleanShutdown ? "a clean shutdown" : "an unclean shutdown");
            changes.LogChanges(_logger);
            return new(ControllerStatus.Ok, null, brokerEpoch);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The record of a registration: the broker, fenced, at <paramref name="brokerEpoch"/> (the offset
    /// the record will have), with its endpoints.</summary>
    private static RegisterBrokerRecord RegistrationRecord(BrokerRegistrationRequest request, long brokerEpoch)
    {
        var register = new RegisterBrokerRecord
        {
            BrokerId = request.BrokerId,
            IncarnationId = request.IncarnationId,
            BrokerEpoch = brokerEpoch,
            Rack = request.Rack,
            Fenced = true,
            LogDirs = [.. request.LogDirs ?? []],
        };
        foreach (BrokerEndpoint e in request.Endpoints)
        {
            register.Endpoints.Add(new RegisterBrokerRecord.BrokerEndpoint
            {
                Name = e.Name,
                Host = e.Host,
                Port = (ushort)e.Port,
                SecurityProtocol = e.SecurityProtocol,
            });
        }
        return register;
    }

    /// <summary>Records a heartbeat (Kafka's BrokerHeartbeat); unfences a caught-up broker, fences one that
    /// asks.</summary>
    public async Task<BrokerHeartbeatResult> HeartbeatAsync(BrokerHeartbeatRequest request,
        CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryLead(out int epoch))
                return new(ControllerStatus.NotController, NotController.Message, false, true, false);
            MetadataImage image = _loader.Current;
            RefreshSessions(image, epoch);
            if (!image.Brokers.TryGetBroker(request.BrokerId, out BrokerRegistration? broker))
            {
                return new(ControllerStatus.BrokerIdNotRegistered, $"Broker {request.BrokerId} is not registered.",
                    false, true, false);
            }
            if (broker.BrokerEpoch != request.BrokerEpoch)
            {
                return new(ControllerStatus.StaleBrokerEpoch,
                    $"Expected broker epoch {broker.BrokerEpoch}, but got broker epoch {request.BrokerEpoch}.",
                    false, true, false);
            }
            BrokerSession session = Touch(broker.BrokerId, broker.BrokerEpoch);
            bool caughtUp = request.CurrentMetadataOffset >= session.RegistrationOffset;
            bool fenced = broker.IsFenced;
            string? fenceReason = FenceReason(request, broker, session);
            if (fenced && caughtUp && fenceReason is null)
            {
                ControllerResult result =
                    await UnfenceAsync(epoch, image, broker, cancellationToken).ConfigureAwait(false);
                if (!result.IsOk) return new(result.Status, result.Message, caughtUp, true, false);
                fenced = false;
            }
            else if (!fenced && fenceReason is not null)
            {
                ControllerResult result = await FenceAsync(epoch, image, broker, fenceReason, cancellationToken)
                    .ConfigureAwait(false);
                if (!result.IsOk) return new(result.Status, result.Message, caughtUp, false, false);
                fenced = true;
            }
            bool shutDown = request.WantShutDown && fenced;
            // A broker that may shut down ends its session: its next incarnation need not wait it out to register.
            if (shutDown) _sessions.Remove(broker.BrokerId);
            return new(ControllerStatus.Ok, null, caughtUp, fenced, shutDown);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Removes a broker's registration for good (a decommissioned node).</summary>
    public async Task<ControllerResult> UnregisterBrokerAsync(int brokerId, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryLead(out int epoch)) return NotController;
            MetadataImage image = _loader.Current;
            if (!image.Brokers.TryGetBroker(brokerId, out BrokerRegistration? broker))
            {
                return new ControllerResult(ControllerStatus.BrokerIdNotRegistered,
                    $"Broker {brokerId} is not registered.");
            }
            List<IMetadataRecord> records =
                [new UnregisterBrokerRecord { BrokerId = brokerId, BrokerEpoch = broker.BrokerEpoch }];
            var changes = new PartitionChangeSet(records);
            changes.RemoveBroker(image, brokerId, Excluding(image, brokerId), Options);
            (ControllerResult result, _) = await CommitAsync(epoch, records, cancellationToken).ConfigureAwait(false);
            if (!result.IsOk) return result;
            _sessions.Remove(brokerId);
            _logger.BrokerUnregistered(brokerId);
            changes.LogChanges(_logger);
            return result;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Fences every unfenced broker whose session has lapsed; returns how many. <see cref="Start"/> runs this
    /// on a timer.</summary>
    public async Task<int> FenceExpiredBrokersAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryLead(out int epoch)) return 0;
            RefreshSessions(_loader.Current, epoch);
            var expired = new List<int>();
            foreach (BrokerRegistration broker in _loader.Current.Brokers.All)
            {
                if (!broker.IsFenced && IsSessionExpired(broker)) expired.Add(broker.BrokerId);
            }
            expired.Sort();
            int fenced = 0;
            foreach (int brokerId in expired)
            {
                MetadataImage image = _loader.Current;
                if (!image.Brokers.TryGetBroker(brokerId, out BrokerRegistration? broker) || broker.IsFenced) continue;
                ControllerResult result = await FenceAsync(epoch, image, broker, "its session expired",
                    cancellationToken).ConfigureAwait(false);
                if (!result.IsOk) break;
                fenced++;
            }
            return fenced;
        }
        finally
        {
            _lock.Release();
        }
    }

    // Why a heartbeating broker must be (or stay) fenced, or null. A broker whose every registered log dir is offline
    // holds no readable replica: it is fenced so leadership moves to replicas on healthy disks, and stays fenced until
    // a heartbeat reports a dir back. Some dirs offline (JBOD) is logged: partitions are not assigned to dirs in the
    // metadata, so the controller cannot tell which ones to move.
    private string? FenceReason(BrokerHeartbeatRequest request, BrokerRegistration broker, BrokerSession session)
    {
        if (request.WantShutDown) return ControlledShutdown;
        if (request.WantFence) return "the broker asked";
        int offline = 0;
        foreach (Guid dir in broker.LogDirs)
        {
            if (request.OfflineLogDirs?.Contains(dir) == true) offline++;
        }
        if (offline != session.OfflineLogDirs)
        {
            session.OfflineLogDirs = offline;
            if (offline > 0) _logger.LogDirsOffline(broker.BrokerId, offline, broker.LogDirs.Length);
        }
        return offline > 0 && offline == broker.LogDirs.Length
            ? $"all {offline} of its log dirs are offline"
            : null;
    }

    private async ValueTask<ControllerResult> FenceAsync(int epoch, MetadataImage image, BrokerRegistration broker,
        string reason, CancellationToken cancellationToken)
    {
        List<IMetadataRecord> records =
            [new FenceBrokerRecord { BrokerId = broker.BrokerId, BrokerEpoch = broker.BrokerEpoch }];
        var changes = new PartitionChangeSet(records);
        changes.RemoveBroker(image, broker.BrokerId, Excluding(image, broker.BrokerId), Options);
        (ControllerResult result, _) = await CommitAsync(epoch, records, cancellationToken).ConfigureAwait(false);
        if (!result.IsOk) return result;
        if (reason == ControlledShutdown)
            _logger.BrokerShutDown(broker.BrokerId, broker.BrokerEpoch, changes.Moved, changes.Leaderless);
        else
            _logger.BrokerFenced(broker.BrokerId, broker.BrokerEpoch, reason, changes.Moved, changes.Leaderless);
        changes.LogChanges(_logger);
        return result;
    }

    private async ValueTask<ControllerResult> UnfenceAsync(int epoch, MetadataImage image, BrokerRegistration broker,
        CancellationToken cancellationToken)
    {
        List<IMetadataRecord> records =
            [new UnfenceBrokerRecord { BrokerId = broker.BrokerId, BrokerEpoch = broker.BrokerEpoch }];
        var changes = new PartitionChangeSet(records);
        var eligibility = new Eligibility(image.Brokers, included: broker.BrokerId);
        List<int> unfenced = [.. image.Brokers.UnfencedBrokerIds(), broker.BrokerId];
        unfenced.Sort();
        foreach (TopicImage topic in image.Topics.All)
        {
            changes.ElectLeaderless(topic, eligibility, ElectionPolicy.For(image, topic, Options));
            if (InternalTopics.TryGetTarget(topic.Name, Options, out short target, out string configName))
                changes.GrowReplicas(topic, unfenced, target, configName);
        }
        (ControllerResult result, _) = await CommitAsync(epoch, records, cancellationToken).ConfigureAwait(false);
        if (!result.IsOk) return result;
        _logger.BrokerUnfenced(broker.BrokerId, broker.BrokerEpoch);
        changes.LogChanges(_logger);
        return result;
    }

    private static ControllerResult? ValidateRegistration(MetadataImage image, BrokerRegistrationRequest request)
    {
        if (request.BrokerId < 0)
            return new ControllerResult(ControllerStatus.InvalidRequest, $"Invalid broker id {request.BrokerId}.");
        if (request.ClusterId is not null && image.ClusterId is not null &&
            !string.Equals(request.ClusterId, image.ClusterId, StringComparison.Ordinal))
        {
            return new ControllerResult(ControllerStatus.InconsistentClusterId,
                $"Expected cluster ID {image.ClusterId}, but got cluster ID {request.ClusterId}.");
        }
        if (request.Endpoints.IsDefaultOrEmpty)
        {
            return new ControllerResult(ControllerStatus.InvalidRequest,
                "A broker registration needs at least one listener.");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (BrokerEndpoint e in request.Endpoints)
        {
            if (!names.Add(e.Name))
                return new ControllerResult(ControllerStatus.InvalidRequest, $"Listener {e.Name} is registered twice.");
            if (e.Port is < 0 or > ushort.MaxValue)
            {
                return new ControllerResult(ControllerStatus.InvalidRequest,
                    $"Listener {e.Name} has invalid port {e.Port}.");
            }
        }
        return null;
    }

    private static bool SameRegistration(BrokerRegistration existing, BrokerRegistrationRequest request) =>
        string.Equals(existing.Rack, request.Rack, StringComparison.Ordinal) &&
        existing.Endpoints.AsSpan().SequenceEqual(request.Endpoints.AsSpan()) &&
        existing.LogDirs.AsSpan().SequenceEqual((request.LogDirs ?? []).ToArray());

    // Sessions belong to one leader epoch: a controller that (re)gains leadership gives every broker a fresh deadline
    // (so none is fenced before it could have heartbeated), but no evidence of life (so a restarted broker, with a new
    // incarnation, may register at once instead of waiting out its old session).
    private void RefreshSessions(MetadataImage image, int epoch)
    {
        if (epoch == _sessionsEpoch) return;
        _sessions.Clear();
        _sessionsEpoch = epoch;
        long now = _time.GetTimestamp();
        foreach (BrokerRegistration broker in image.Brokers.All)
            _sessions[broker.BrokerId] = new BrokerSession(broker.BrokerEpoch, broker.BrokerEpoch, now, false);
    }

    // True when this registration has not heartbeated for longer than the session timeout.
    private bool IsSessionExpired(BrokerRegistration broker)
    {
        if (!_sessions.TryGetValue(broker.BrokerId, out BrokerSession? session) ||
            session.BrokerEpoch != broker.BrokerEpoch)
        {
            // Registered through an earlier leader: its deadline starts now.
            _sessions[broker.BrokerId] = new BrokerSession(broker.BrokerEpoch, broker.BrokerEpoch, _time.GetTimestamp(),
                contacted: false);
            return false;
        }
        return _time.GetElapsedTime(session.LastContact) > Options.BrokerSessionTimeout;
    }

    // True when this controller has heard from the registration within the session timeout.
    private bool HasLiveSession(BrokerRegistration broker) =>
        _sessions.TryGetValue(broker.BrokerId, out BrokerSession? session) &&
        session.BrokerEpoch == broker.BrokerEpoch && session.Contacted &&
        _time.GetElapsedTime(session.LastContact) <= Options.BrokerSessionTimeout;

    private static Eligibility Excluding(MetadataImage image, int brokerId) => new(image.Brokers, excluded: brokerId);

    private BrokerSession Touch(int brokerId, long brokerEpoch)
    {
        if (!_sessions.TryGetValue(brokerId, out BrokerSession? session) || session.BrokerEpoch != brokerEpoch)
            _sessions[brokerId] = session = new BrokerSession(brokerEpoch, brokerEpoch, 0, contacted: true);
        session.LastContact = _time.GetTimestamp();
        session.Contacted = true;
        return session;
    }

    // A registration's liveness. RegistrationOffset is where the RegisterBrokerRecord landed (the broker epoch, for a
    // registration this controller did not write, which is at or before it).
    private sealed class BrokerSession(long brokerEpoch, long registrationOffset, long lastContact, bool contacted)
    {
        public long BrokerEpoch { get; } = brokerEpoch;

        public long RegistrationOffset { get; } = registrationOffset;

        public long LastContact { get; set; } = lastContact;

        public bool Contacted { get; set; } = contacted;

        /// <summary>How many of its registered log dirs its last heartbeat reported offline.</summary>
        public int OfflineLogDirs { get; set; }
    }
}
