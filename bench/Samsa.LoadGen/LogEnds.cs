using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.LoadGen;

/// <summary>
/// The sum of a topic's end offsets, read from the cluster (ListOffsets, latest): how many records its log holds
/// beyond its start. Sampled at a window's edges it gives what the cluster appended in the window, whatever the
/// producers were told; sampled before the first send and after the last acknowledgement it shows whether every
/// message a producer handed to the client reached the log.
/// </summary>
internal sealed class LogEnds : IDisposable
{
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(10);
    private readonly IAdminClient _admin;
    private readonly TopicPartitionOffsetSpec[] _request;

    public LogEnds(string bootstrap, string topic)
    {
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap })
            .SetLogHandler((_, _) => { })
            .Build();
        Metadata metadata = _admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        _request = [.. metadata.Topics[0].Partitions.Select(p => new TopicPartitionOffsetSpec
        {
            TopicPartition = new TopicPartition(topic, p.PartitionId), OffsetSpec = OffsetSpec.Latest(),
        })];
    }

    // A replicated topic's partitions may answer with a retriable error for a moment after it is created, while its
    // leaders learn that they lead (NOT_LEADER_OR_FOLLOWER, OFFSET_NOT_AVAILABLE): asked again for up to 10 s.
    public async Task<long> SumAsync()
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                ListOffsetsResult result = await _admin.ListOffsetsAsync(_request,
                    new ListOffsetsOptions { RequestTimeout = TimeSpan.FromSeconds(30) }).ConfigureAwait(false);
                return result.ResultInfos.Sum(r => r.TopicPartitionOffsetError.Offset.Value);
            }
            catch (ListOffsetsException e) when (waited.Elapsed < RetryFor
                && e.Result.ResultInfos.All(r => !r.TopicPartitionOffsetError.Error.IsFatal))
            {
                LastRetriedError = e.Result.ResultInfos.Select(r => r.TopicPartitionOffsetError.Error)
                    .First(error => error.IsError).Reason;
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The last error a retried ListOffsets gave, for the log; null when none was retried.</summary>
    public string? LastRetriedError { get; private set; }

    public void Dispose() => _admin.Dispose();
}
