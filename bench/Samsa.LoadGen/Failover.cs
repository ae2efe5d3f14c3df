using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.LoadGen;

// The failover row: one idempotent acks=all producer writes at a fixed rate, round robin over every partition of a
// replicated topic, while a broker of the cluster is SIGKILLed. For each partition it notes the first acknowledgement
// of a write attempted after the kill; the figure is the time from the kill to the last of the killed broker's
// partitions getting one. Partitions are named explicitly, so no partitioner steers writes away from a partition
// whose leader is gone. Delivery reports arrive on the client's poll thread, the only writer of the acknowledgement
// times; the suite's thread reads them with Volatile.
internal sealed class Failover(string bootstrap, TextWriter log)
{
    private static readonly TimeSpan IsrTimeout = TimeSpan.FromSeconds(30);

    private long _killedAt;
    private long[] _firstAckAfterKill = [];
    private long _sent;
    private long _acked;
    private long _errors;
    private string? _firstError;

    /// <summary>Writes <paramref name="before"/> with every broker up, SIGKILLs <paramref name="killPid"/>, and writes
    /// on until each partition has had a write acknowledged again or <paramref name="deadline"/> passes.</summary>
    public async Task<FailoverResult> RunAsync(LoadRunner runner, Workload workload, int killPid, TimeSpan before,
        TimeSpan deadline, CancellationToken cancellationToken)
    {
        await runner.EnsureTopicAsync(workload).ConfigureAwait(false);
        int[] leaders = await FullIsrLeadersAsync(workload).ConfigureAwait(false);
        _firstAckAfterKill = new long[workload.Partitions];
        log.WriteLine($"  {workload.Name}: {workload.Rate:0} msg/s over {workload.Partitions} partitions, leaders " +
            $"{string.Join(",", leaders)}; SIGKILL of pid {killPid} after {before.TotalSeconds:0} s");

        using IProducer<Null, byte[]> producer = Build(workload);
        using var stop = new CancellationTokenSource();
        var sender = new Thread(() => Send(producer, workload, stop.Token)) { IsBackground = true, Name = "failover" };
        sender.Start();
        try
        {
            await Task.Delay(before, cancellationToken).ConfigureAwait(false);
            using Process victim = Process.GetProcessById(killPid);
            Volatile.Write(ref _killedAt, Stopwatch.GetTimestamp());
            victim.Kill();                                          // SIGKILL on Linux
            var waited = Stopwatch.StartNew();
            while (!AllAcknowledged() && waited.Elapsed < deadline)
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            sender.Join();
        }
        producer.Flush(TimeSpan.FromSeconds(30));
        long killedAt = Volatile.Read(ref _killedAt);
        double[] recovery = [.. _firstAckAfterKill.Select(at =>
            at > 0 ? (double)(at - killedAt) / Stopwatch.Frequency : double.NaN)];
        return new FailoverResult(leaders, recovery, Interlocked.Read(ref _sent), Interlocked.Read(ref _acked),
            Interlocked.Read(ref _errors), _firstError);
    }

    /// <summary>Each partition's leader, once every partition's ISR holds all its replicas.</summary>
    private async Task<int[]> FullIsrLeadersAsync(Workload workload)
    {
        using IAdminClient admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap })
            .SetLogHandler((_, _) => { })
            .Build();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            List<PartitionMetadata> partitions = admin.GetMetadata(workload.Topic, TimeSpan.FromSeconds(10))
                .Topics[0].Partitions;
            if (partitions.Count == workload.Partitions
                && partitions.All(p => p.InSyncReplicas.Length == workload.ReplicationFactor))
                return [.. partitions.OrderBy(p => p.PartitionId).Select(p => p.Leader)];
            if (waited.Elapsed > IsrTimeout)
                throw new InvalidOperationException($"{workload.Topic}: the ISRs did not fill in {IsrTimeout}");
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    private IProducer<Null, byte[]> Build(Workload workload) =>
        new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = Confluent.Kafka.Acks.All,
            EnableIdempotence = workload.Idempotence,
            LingerMs = workload.LingerMs,
            MessageTimeoutMs = 120_000,
            DeliveryReportFields = "status",
        }).SetLogHandler((_, _) => { }).Build();

    // Message i is due at start + i / rate and goes to partition i % partitions.
    private void Send(IProducer<Null, byte[]> producer, Workload workload, CancellationToken stop)
    {
        byte[] payload = Payload.Create(workload.MessageBytes, 2000);
        double interval = Stopwatch.Frequency / workload.Rate;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            long due = start + (long)(i * interval);
            while (Stopwatch.GetTimestamp() < due && !stop.IsCancellationRequested) Thread.Sleep(1);
            int partition = (int)(i % workload.Partitions);
            long attempted = Stopwatch.GetTimestamp();
            try
            {
                producer.Produce(new TopicPartition(workload.Topic, partition),
                    new Message<Null, byte[]> { Value = payload }, report => OnDelivery(report, partition, attempted));
                Interlocked.Increment(ref _sent);
            }
            catch (ProduceException<Null, byte[]> e)
            {
                Interlocked.Increment(ref _errors);
                _firstError ??= e.Error.Reason;
            }
        }
    }

    private void OnDelivery(DeliveryReport<Null, byte[]> report, int partition, long attempted)
    {
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref _errors);
            _firstError ??= report.Error.Reason;
            return;
        }
        Interlocked.Increment(ref _acked);
        long killedAt = Volatile.Read(ref _killedAt);
        if (killedAt > 0 && attempted >= killedAt && Volatile.Read(ref _firstAckAfterKill[partition]) == 0)
            Volatile.Write(ref _firstAckAfterKill[partition], Stopwatch.GetTimestamp());
    }

    private bool AllAcknowledged()
    {
        for (int p = 0; p < _firstAckAfterKill.Length; p++)
            if (Volatile.Read(ref _firstAckAfterKill[p]) == 0) return false;
        return true;
    }
}
