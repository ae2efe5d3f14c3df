using System.Reflection;

namespace Samsa.Broker.Handlers;

/// <summary>The versions of each API the broker serves, read once from the handlers' declarations.</summary>
internal sealed class ApiVersionTable
{
    private readonly (short Min, short Max)?[] _byKey;

    /// <param name="handlerTypes">The handler classes, each carrying an <see cref="ApiHandlerAttribute"/>.</param>
    public ApiVersionTable(IEnumerable<Type> handlerTypes)
    {
        short maxKey = 0;
        var entries = new List<(ApiKey Key, short Min, short Max)>();
        foreach (Type handler in handlerTypes)
        {
            ApiHandlerAttribute declaration = handler.GetCustomAttribute<ApiHandlerAttribute>()
                ?? throw new InvalidOperationException($"{handler.Name} lacks [ApiHandler]");
            ApiMessageInfo info = ApiMessages.Find((short)declaration.Key)
                ?? throw new InvalidOperationException($"{declaration.Key} is not in the message definitions");
            if (declaration.MinVersion < info.LowestVersion || declaration.MaxVersion > info.HighestVersion
                || declaration.MinVersion > declaration.MaxVersion)
            {
                throw new InvalidOperationException(
                    $"{handler.Name} declares {declaration.Key} v{declaration.MinVersion}-{declaration.MaxVersion}, "
                    + $"outside the definitions' v{info.LowestVersion}-{info.HighestVersion}");
            }
            entries.Add((declaration.Key, declaration.MinVersion, declaration.MaxVersion));
            maxKey = Math.Max(maxKey, (short)declaration.Key);
        }
        _byKey = new (short, short)?[maxKey + 1];
        foreach ((ApiKey key, short min, short max) in entries)
        {
            if (_byKey[(short)key] is not null) throw new InvalidOperationException($"two handlers serve {key}");
            _byKey[(short)key] = (min, max);
        }
        Served = entries.OrderBy(e => e.Key).ToArray();
    }

    /// <summary>Every served API with its version range, in key order (what ApiVersions lists).</summary>
    public IReadOnlyList<(ApiKey Key, short Min, short Max)> Served { get; }

    public bool TryGet(short apiKey, out short min, out short max)
    {
        if (apiKey >= 0 && apiKey < _byKey.Length && _byKey[apiKey] is { } range)
        {
            (min, max) = range;
            return true;
        }
        min = max = -1;
        return false;
    }

    public bool IsServed(short apiKey, short version) =>
        TryGet(apiKey, out short min, out short max) && version >= min && version <= max;
}
