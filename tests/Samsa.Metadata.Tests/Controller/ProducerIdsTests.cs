using Samsa.Metadata.Controller;
using Samsa.Metadata.Records;

namespace Samsa.Metadata.Tests.Controller;

public sealed class ProducerIdsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Blocks_of_a_thousand_ids_follow_one_another()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1, 2);

        AllocateProducerIdsResult a = await f.Controller.AllocateProducerIdsAsync(1, f.BrokerEpochs[1], Ct);
        AllocateProducerIdsResult b = await f.Controller.AllocateProducerIdsAsync(2, f.BrokerEpochs[2], Ct);

        Assert.Equal(new ProducerIdsBlock(1, 0, 1000), a.Block);
        Assert.Equal(new ProducerIdsBlock(2, 1000, 1000), b.Block);
        Assert.Equal(1999, b.Block.LastProducerId);
        Assert.Equal(2000, f.Image.ProducerIds.NextProducerId);
    }

    [Fact]
    public async Task Stale_or_unknown_broker_gets_no_block()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);

        Assert.Equal(ControllerStatus.StaleBrokerEpoch,
            (await f.Controller.AllocateProducerIdsAsync(1, f.BrokerEpochs[1] + 1, Ct)).Status);
        Assert.Equal(ControllerStatus.StaleBrokerEpoch, (await f.Controller.AllocateProducerIdsAsync(5, 0, Ct)).Status);
        Assert.Equal(0, f.Image.ProducerIds.NextProducerId);
    }

    [Fact]
    public async Task Exhausted_ids_are_reported()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        await f.Log.AppendAsync(f.Log.Leader.Epoch,
            [new ProducerIdsRecord { BrokerId = 1, NextProducerId = long.MaxValue - 10 }], Ct);

        AllocateProducerIdsResult result = await f.Controller.AllocateProducerIdsAsync(1, f.BrokerEpochs[1], Ct);

        Assert.Equal(ControllerStatus.ProducerIdsExhausted, result.Status);
    }
}
