using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Samsa.IntegrationTests.Support;

namespace Samsa.IntegrationTests.Groups;

/// <summary>
/// kafkajs (npm) as a group consumer in a node child process: it consumes part of a topic committing as it goes,
/// stops; the broker restarts; a new kafkajs process in the same group resumes exactly at the committed offsets.
/// </summary>
public sealed class KafkajsGroupTests
{
    private const string Topic = "kafkajs-group";
    private const string Group = "kafkajs-group-consumers";
    private const int Partitions = 2;
    private const int PerPartition = 10;

    [Fact]
    public async Task A_kafkajs_group_consumer_resumes_from_its_committed_offsets_after_a_restart()
    {
        KafkajsScripts kafkajs = KafkajsScripts.Find();

        await using SamsaCluster cluster = await ClassicGroupTests.StartAsync();
        using (Confluent.Kafka.IAdminClient admin = cluster.CreateAdmin())
        {
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification
                { Name = Topic, NumPartitions = Partitions, ReplicationFactor = 1 }]);
        }
        using (IProducer<byte[]?, byte[]?> producer = cluster.CreateProducer())
        {
            for (int p = 0; p < Partitions; p++)
            {
                for (int i = 0; i < PerPartition; i++)
                {
                    producer.Produce(new TopicPartition(Topic, p),
                        new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"{p}-{i}") });
                }
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
        }

        List<(int Partition, long Offset, string Value)> first = await ConsumeAsync(kafkajs, cluster, 7);
        Assert.Equal(7, first.Count);
        Assert.Equal(first.Count, first.Distinct().Count());

        await cluster.RestartAsync();

        List<(int Partition, long Offset, string Value)> second =
            await ConsumeAsync(kafkajs, cluster, Partitions * PerPartition - first.Count);
        // Together they saw every message exactly once: the second process started where the first committed.
        var all = first.Concat(second).Select(m => m.Value).Order().ToList();
        var expected = Enumerable.Range(0, Partitions)
            .SelectMany(p => Enumerable.Range(0, PerPartition).Select(i => $"{p}-{i}")).Order().ToList();
        Assert.Equal(expected, all);
        foreach (int p in Enumerable.Range(0, Partitions))
        {
            long next = first.Where(m => m.Partition == p).Select(m => m.Offset + 1).DefaultIfEmpty(0).Max();
            long resumed = second.Where(m => m.Partition == p).Select(m => m.Offset).DefaultIfEmpty(PerPartition).Min();
            Assert.Equal(next, resumed);
        }
    }

    private static async Task<List<(int, long, string)>> ConsumeAsync(KafkajsScripts kafkajs, SamsaCluster cluster,
        int count)
    {
        ChildProcess.Completed run = await kafkajs.RunAsync("group-consume.js",
            [cluster.BootstrapServers, Topic, Group, count.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, $"the kafkajs consumer failed\n{run.Describe()}");
        using JsonDocument output = JsonDocument.Parse(run.StandardOutput);
        return [.. output.RootElement.GetProperty("consumed").EnumerateArray().Select(m => (
            m.GetProperty("partition").GetInt32(),
            long.Parse(m.GetProperty("offset").GetString()!, CultureInfo.InvariantCulture),
            m.GetProperty("value").GetString()!))];
    }
}
