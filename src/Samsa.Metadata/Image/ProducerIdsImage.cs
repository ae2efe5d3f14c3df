namespace Samsa.Metadata.Image;

/// <summary>The producer ids handed out so far: every id below <see cref="NextProducerId"/> belongs to a block some
/// broker was given.</summary>
/// <param name="NextProducerId">The first producer id not yet handed out.</param>
public readonly record struct ProducerIdsImage(long NextProducerId)
{
    public static ProducerIdsImage Empty => new(0);
}
