namespace Samsa.Metadata.Image;

/// <summary>Something that acts on each new image: the broker's metadata cache, its replica manager, the
/// controller's view.</summary>
/// <remarks>Called by <see cref="MetadataLoader"/> on the metadata log's delivery thread, one image at a time and in
/// order; it must return quickly.</remarks>
public interface IMetadataPublisher
{
    /// <summary>The image moved from <paramref name="previous"/> to <paramref name="image"/>.</summary>
    /// <param name="previous">The image before.</param>
    /// <param name="image">The image now.</param>
    /// <param name="delta">What changed; null when a snapshot replaced the image wholesale (compare the two images), or
    /// when the publisher is first installed (<paramref name="previous"/> is then empty).</param>
    void OnMetadataUpdate(MetadataImage previous, MetadataImage image, MetadataDelta? delta);
}
