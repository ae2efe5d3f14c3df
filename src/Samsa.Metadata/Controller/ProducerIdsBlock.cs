namespace Samsa.Metadata.Controller;

/// <summary>Producer ids handed to one broker: <see cref="FirstProducerId"/> up to, not including,
/// <see cref="FirstProducerId"/> + <see cref="Size"/>.</summary>
/// <param name="BrokerId">The broker that owns the block.</param>
/// <param name="FirstProducerId">The first id.</param>
/// <param name="Size">How many ids.</param>
public readonly record struct ProducerIdsBlock(int BrokerId, long FirstProducerId, int Size)
{
    public long LastProducerId => FirstProducerId + Size - 1;
}
