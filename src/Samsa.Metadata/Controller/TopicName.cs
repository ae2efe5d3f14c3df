using System.Diagnostics.CodeAnalysis;

namespace Samsa.Metadata.Controller;

/// <summary>Kafka's rules for topic names: 1–249 characters of <c>[a-zA-Z0-9._-]</c>, not <c>.</c> or <c>..</c>; and
/// names that differ only in '.' versus '_' collide, because metric names cannot tell them apart.</summary>
public static class TopicName
{
    /// <summary>The longest legal name (Kafka keeps room for a partition suffix under the 255-byte file name
    /// limit).</summary>
    public const int MaxLength = 249;

    /// <summary>Checks a name; the error is Kafka's message.</summary>
    public static bool TryValidate(string? name, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(name))
        {
            error = "Topic name is illegal, it can't be empty";
            return false;
        }
        if (name is "." or "..")
        {
            error = "Topic name cannot be \".\" or \"..\"";
            return false;
        }
        if (name.Length > MaxLength)
        {
            error = $"Topic name is illegal, it can't be longer than {MaxLength} characters, topic name: {name}";
            return false;
        }
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                error = $"Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, " +
                    "'.', '_' and '-'";
                return false;
            }
        }
        error = null;
        return true;
    }

    /// <summary>True when the name contains '.' or '_', and so may collide with another.</summary>
    public static bool HasCollisionChars(string name) => name.AsSpan().IndexOfAny('.', '_') >= 0;

    /// <summary>The name with every '.' made '_': two names collide when these are equal.</summary>
    public static string UnifyCollisionChars(string name) => name.Replace('.', '_');

    /// <summary>True when the two names differ but collide.</summary>
    public static bool Collide(string a, string b) =>
        !string.Equals(a, b, StringComparison.Ordinal) && HasCollisionChars(a) && HasCollisionChars(b) &&
        string.Equals(UnifyCollisionChars(a), UnifyCollisionChars(b), StringComparison.Ordinal);
}
