using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Image;

// The two shapes of one map. Applying a delta edits the ImmutableDictionary, which shares structure with the previous
// image's, so a change costs O(changed · log n). Hot-path lookups (a topic by name or id on every produce and fetch)
// go through a FrozenDictionary built from it on the first lookup: O(1) and allocation-free from then on. An image
// that nobody reads (the intermediate images of a replay) never pays for the index; one that is read pays O(n) once.
// Two threads racing on the first lookup may both build it; one wins and both answer the same.
internal sealed class ImageMap<TKey, TValue>
    where TKey : notnull
{
    private FrozenDictionary<TKey, TValue>? _index;

    public ImageMap(ImmutableDictionary<TKey, TValue> items) => Items = items;

    public ImmutableDictionary<TKey, TValue> Items { get; }

    public int Count => Items.Count;

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => Index.TryGetValue(key, out value);

    private FrozenDictionary<TKey, TValue> Index => Volatile.Read(ref _index) ?? BuildIndex();

    private FrozenDictionary<TKey, TValue> BuildIndex()
    {
        FrozenDictionary<TKey, TValue> built = Items.ToFrozenDictionary(Items.KeyComparer);
        return Interlocked.CompareExchange(ref _index, built, null) ?? built;
    }
}
