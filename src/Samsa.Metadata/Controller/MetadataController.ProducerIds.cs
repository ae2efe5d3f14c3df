namespace Samsa.Metadata.Controller;

// Producer ids for idempotent and transactional producers: brokers ask for blocks and hand ids out from them, so ids
// are unique across the cluster without a round trip per producer. A block is committed before it is handed out, so
// a controller failover never hands the same ids out twice.
public sealed partial class MetadataController
{
    /// <summary>Hands the broker the next block of producer ids (Kafka's AllocateProducerIds).</summary>
    public async Task<AllocateProducerIdsResult> AllocateProducerIdsAsync(int brokerId, long brokerEpoch,
        CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!TryLead(out int epoch)) return new(ControllerStatus.NotController, NotController.Message, default);
            MetadataImage image = _loader.Current;
            if (!image.Brokers.TryGetBroker(brokerId, out BrokerRegistration? broker) ||
                broker.BrokerEpoch != brokerEpoch)
            {
                return new(ControllerStatus.StaleBrokerEpoch,
                    $"Broker {brokerId} is not registered at broker epoch {brokerEpoch}.", default);
            }
            long first = image.ProducerIds.NextProducerId;
            int size = Options.ProducerIdBlockSize;
            if (first > long.MaxValue - size)
                return new(ControllerStatus.ProducerIdsExhausted, "Exhausted all producerIds.", default);
            var record = new ProducerIdsRecord
            {
                BrokerId = brokerId,
                BrokerEpoch = brokerEpoch,
                NextProducerId = first + size,
            };
            (ControllerResult commit, _) = await CommitAsync(epoch, [record], cancellationToken).ConfigureAwait(false);
            if (!commit.IsOk) return new(commit.Status, commit.Message, default);
            var block = new ProducerIdsBlock(brokerId, first, size);
            _logger.ProducerIdsAllocated(block.FirstProducerId, block.LastProducerId, brokerId);
            return new(ControllerStatus.Ok, null, block);
        }
        finally
        {
            _lock.Release();
        }
    }
}
