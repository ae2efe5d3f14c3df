using System.Globalization;

namespace Samsa.ProtocolGen;

/// <summary>An inclusive version range as the definitions write it: "0+", "3-7", "5", "none".</summary>
public readonly record struct Versions(short Lowest, short Highest)
{
    public static readonly Versions None = new(1, 0);
    public static readonly Versions All = new(0, short.MaxValue);

    public bool IsEmpty => Lowest > Highest;

    public bool Contains(short version) => version >= Lowest && version <= Highest;

    public Versions Intersect(Versions other)
    {
        var v = new Versions(Math.Max(Lowest, other.Lowest), Math.Min(Highest, other.Highest));
        return v.IsEmpty ? None : v;
    }

    public static Versions Parse(string? text, Versions fallback)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        text = text.Trim();
        if (text == "none") return None;
        if (text.EndsWith('+')) return new(short.Parse(text[..^1], CultureInfo.InvariantCulture), short.MaxValue);
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            return new(short.Parse(text[..dash], CultureInfo.InvariantCulture),
                short.Parse(text[(dash + 1)..], CultureInfo.InvariantCulture));
        }
        short single = short.Parse(text, CultureInfo.InvariantCulture);
        return new(single, single);
    }

    public override string ToString() =>
        IsEmpty ? "none"
        : Highest == short.MaxValue ? $"{Lowest}+"
        : Lowest == Highest ? $"{Lowest}"
        : $"{Lowest}-{Highest}";
}
