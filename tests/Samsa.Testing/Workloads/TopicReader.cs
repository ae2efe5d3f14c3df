using Confluent.Kafka;
using Samsa.Testing.History;

namespace Samsa.Testing.Workloads;

/// <summary>Reads every partition of a topic from its start to its current end, recording each record in a
/// <see cref="WriteHistory"/>: what a history check compares the acknowledged writes with.</summary>
public static class TopicReader
{
    /// <summary>Reads partitions 0..<paramref name="partitions"/>-1 of <paramref name="topic"/> to the ends they
    /// have when the read starts; fails when one cannot be read to its end within <paramref name="deadline"/>.
    /// </summary>
    public static void ReadAll(string bootstrap, string topic, int partitions, WriteHistory history,
        TimeSpan deadline)
    {
        using IConsumer<string, string> consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "history-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build();
        DateTime until = DateTime.UtcNow + deadline;
        for (int partition = 0; partition < partitions; partition++)
        {
            var tp = new TopicPartition(topic, partition);
            long end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
            consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
            long position = 0;
            while (position < end)
            {
                if (DateTime.UtcNow > until)
                    throw new TimeoutException($"partition {partition} of {topic} read to {position} of {end}");
                ConsumeResult<string, string>? result = consumer.Consume(TimeSpan.FromSeconds(1));
                if (result?.Message is null) continue;
                history.Read("reader", partition, result.Offset.Value, result.Message.Value);
                position = result.Offset.Value + 1;
            }
        }
    }
}
