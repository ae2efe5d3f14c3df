using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Samsa.IntegrationTests.Support;

/// <summary>
/// A Confluent.Kafka consumer in a group, polling on its own thread: it records what it consumes, commits each
/// message synchronously while <see cref="Committing"/> is on, and keeps a shared ledger of committed offsets so a
/// test can check that nothing committed is delivered again. <see cref="CloseAsync"/> leaves the group;
/// <see cref="Vanish"/> disposes without closing, so the coordinator hears nothing and must wait for the session
/// timeout, as for a killed process.
/// </summary>
internal sealed class GroupMember : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly Ledger _ledger;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<Exception> _errors = new();
    private volatile bool _stop;
    private volatile bool _vanish;
    private volatile bool _close;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _running = new(initialState: true);   // reset while paused
    private readonly Lock _pauseLock = new();
    private volatile TaskCompletionSource _parked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile List<TopicPartition> _assignment = [];

    public GroupMember(string name, ConsumerConfig config, string topic, Ledger ledger)
    {
        Name = name;
        _ledger = ledger;
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                var now = new List<TopicPartition>(_assignment);
                now.AddRange(partitions);
                _assignment = now;
                Assigned.Enqueue([.. partitions]);
            })
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                var revoked = partitions.Select(p => p.TopicPartition).ToHashSet();
                _assignment = [.. _assignment.Where(p => !revoked.Contains(p))];
                Revoked.Enqueue([.. revoked]);
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                _assignment = [];
                Revoked.Enqueue([.. partitions.Select(p => p.TopicPartition)]);
            })
            .Build();
        _consumer.Subscribe(topic);
        _thread = new Thread(Run) { IsBackground = true, Name = "group-member-" + name };
        _thread.Start();
    }

    public string Name { get; }

    /// <summary>Commit each consumed message before consuming the next.</summary>
    public bool Committing { get; set; } = true;

    /// <summary>
    /// Stop consuming (the member stays in the group and keeps heartbeating), or go on. Setting it does not wait for
    /// a poll in progress; <see cref="PauseAsync"/> does.
    /// </summary>
    public bool Paused
    {
        get => !_running.IsSet;
        set
        {
            if (!value)
            {
                _running.Set();
                return;
            }
            lock (_pauseLock)
            {
                if (!_running.IsSet) return;
                _parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _running.Reset();
            }
        }
    }

    /// <summary>
    /// Pauses and returns once the member's thread has finished the poll (and commit) it was in and stopped: from
    /// then on it consumes and commits nothing until <see cref="Paused"/> is set back to false.
    /// </summary>
    public Task PauseAsync()
    {
        Paused = true;
        return Task.WhenAny(_parked.Task, _stopped.Task)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    /// <summary>What the member owns now, as its rebalance callbacks reported it.</summary>
    public IReadOnlyList<TopicPartition> Assignment => _assignment;

    public ConcurrentQueue<TopicPartition[]> Assigned { get; } = new();

    public ConcurrentQueue<TopicPartition[]> Revoked { get; } = new();

    public ConcurrentQueue<(int Partition, long Offset)> Consumed { get; } = new();

    public IReadOnlyCollection<Exception> Errors => _errors;

    private void Run()
    {
        try
        {
            while (!_stop)
            {
                if (!_running.IsSet)
                {
                    // No polls while paused, so nothing is consumed; librdkafka keeps the membership alive (heartbeats)
                    // on its own thread. Waits for resume or stop.
                    _parked.TrySetResult();
                    _running.Wait();
                    continue;
                }
                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    continue;
                }
                if (result is null || result.IsPartitionEOF) continue;
                _ledger.OnConsumed(Name, result.Partition.Value, result.Offset.Value);
                Consumed.Enqueue((result.Partition.Value, result.Offset.Value));
                if (!Committing) continue;
                try
                {
                    _consumer.Commit(result);
                    _ledger.OnCommitted(result.Partition.Value, result.Offset.Value + 1);
                }
                catch (KafkaException)
                {
                    // A rebalance took the partition meanwhile: the message stays uncommitted and may come again.
                }
            }
            if (_close) _consumer.Close();
        }
        catch (Exception e)
        {
            _errors.Enqueue(e);
        }
        finally
        {
            if (!_vanish) _consumer.Dispose();
            _stopped.TrySetResult();
        }
    }

    /// <summary>Leaves the group (LeaveGroup) and stops.</summary>
    public Task CloseAsync()
    {
        _close = true;
        Stop();
        return _stopped.Task;
    }

    /// <summary>Stops polling and destroys the client without leaving the group, as a killed process would.</summary>
    public async Task VanishAsync()
    {
        _vanish = true;
        Stop();
        await _stopped.Task;
        _consumer.Dispose();   // Confluent.Kafka destroys a consumer with RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE
    }

    public void Dispose()
    {
        Stop();
        _stopped.Task.Wait(TimeSpan.FromSeconds(30));
    }

    private void Stop()
    {
        _stop = true;
        _running.Set();   // a paused thread wakes to see it
    }

    /// <summary>Offsets committed and delivered across the members of one group.</summary>
    public sealed class Ledger
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<int, long> _committed = [];
        private readonly HashSet<(int, long)> _delivered = [];
        private readonly List<string> _violations = [];

        public IReadOnlyList<string> Violations
        {
            get
            {
                lock (_lock) return [.. _violations];
            }
        }

        public int DeliveredCount
        {
            get
            {
                lock (_lock) return _delivered.Count;
            }
        }

        public long CommittedFor(int partition)
        {
            lock (_lock) return _committed.GetValueOrDefault(partition, 0);
        }

        public bool HasDelivered(int partition, long offset)
        {
            lock (_lock) return _delivered.Contains((partition, offset));
        }

        public void OnConsumed(string member, int partition, long offset)
        {
            lock (_lock)
            {
                _delivered.Add((partition, offset));
                if (offset < _committed.GetValueOrDefault(partition, 0))
                {
                    _violations.Add($"{member} got partition {partition} offset {offset} again after offset "
                        + $"{_committed[partition]} was committed");
                }
            }
        }

        public void OnCommitted(int partition, long next)
        {
            lock (_lock) _committed[partition] = Math.Max(_committed.GetValueOrDefault(partition, 0), next);
        }
    }
}
