using System.Globalization;

namespace Samsa.Metadata.Configs;

/// <summary>
/// A broker key that supplies a topic key's default (<c>log.retention.hours</c> for <c>retention.ms</c>), with the
/// factor that turns its unit into the topic key's (3,600,000 for hours to milliseconds).
/// </summary>
/// <param name="Broker">The broker key.</param>
/// <param name="Multiplier">What one unit of the broker key is in the topic key's unit.</param>
public sealed record ConfigSynonym(ConfigDef Broker, long Multiplier = 1)
{
    /// <summary>
    /// The topic key's value for the broker key's <paramref name="text"/>: multiplied into the topic key's unit;
    /// a negative time stays -1 ("no limit"), and an overflow saturates.
    /// </summary>
    public string Convert(string text)
    {
        if (Multiplier == 1) return text;
        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            return text;
        if (value < 0) return "-1";
        long converted = value > long.MaxValue / Multiplier ? long.MaxValue : value * Multiplier;
        return converted.ToString(CultureInfo.InvariantCulture);
    }
}
