using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Image;

/// <summary>An image that is one map: the brokers by id, the dynamic configs by resource.</summary>
/// <remarks>Immutable and safe to read from any thread; a lookup is O(1) and allocation-free after the first on an
/// image (<see cref="ImageMap{TKey, TValue}"/>).</remarks>
public abstract class KeyedImage<TKey, TValue>
    where TKey : notnull
{
    private readonly ImageMap<TKey, TValue> _map;

    private protected KeyedImage(ImmutableDictionary<TKey, TValue> items) => _map = new(items);

    public int Count => _map.Count;

    /// <summary>The values, in no particular order.</summary>
    public IEnumerable<TValue> All => _map.Items.Values;

    internal ImmutableDictionary<TKey, TValue> Items => _map.Items;

    private protected bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value) =>
        _map.TryGetValue(key, out value);
}
