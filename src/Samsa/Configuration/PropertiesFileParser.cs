using System.Globalization;
using System.Text;

namespace Samsa.Configuration;

/// <summary>
/// Reads Java properties text (<c>server.properties</c>) as <c>java.util.Properties.load</c> does: <c>#</c> and
/// <c>!</c> comment lines; <c>key=value</c>, <c>key:value</c> or <c>key value</c>; a line ending in an odd number of
/// backslashes continues on the next, whose leading whitespace is dropped; escapes <c>\t \n \r \f \uXXXX</c>, and a
/// backslash before any other character stands for that character. Text is UTF-8 (Kafka reads Latin-1, which
/// agrees for ASCII).
/// </summary>
internal static class PropertiesFileParser
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> is "line N: …".</summary>
    public static bool TryParse(string text, out IReadOnlyList<ConfigFileEntry> entries, out string? error)
    {
        var result = new List<ConfigFileEntry>();
        entries = result;
        error = null;
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', '\r');
        var logical = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = SkipWhitespace(lines[i]);
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            int startLine = i + 1;
            logical.Clear();
            while (true)
            {
                int backslashes = TrailingBackslashes(line);
                if (backslashes % 2 == 0 || i + 1 >= lines.Length)
                {
                    logical.Append(line, 0, backslashes % 2 == 0 ? line.Length : line.Length - 1);
                    break;
                }

                logical.Append(line, 0, line.Length - 1);
                line = SkipWhitespace(lines[++i]);
            }

            if (!TrySplit(logical.ToString(), out string key, out string value, out string? problem))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"line {startLine}: {problem}");
                return false;
            }

            result.Add(new ConfigFileEntry(key, value, startLine));
        }

        return true;
    }

    private static bool TrySplit(string line, out string key, out string value, out string? problem)
    {
        int i = 0;
        while (i < line.Length && !IsSeparator(line[i]))
        {
            if (line[i] == '\\') i++;   // an escaped character never ends the key
            i++;
        }

        int keyEnd = Math.Min(i, line.Length);
        while (i < line.Length && IsWhitespace(line[i])) i++;
        if (i < line.Length && line[i] is '=' or ':') i++;
        while (i < line.Length && IsWhitespace(line[i])) i++;
        value = "";
        if (!TryUnescape(line[..keyEnd], out key, out problem)) return false;
        return TryUnescape(line[i..], out value, out problem);
    }

    private static bool TryUnescape(string text, out string result, out string? problem)
    {
        problem = null;
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            result = text;
            return true;
        }

        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\' || i + 1 >= text.Length)
            {
                builder.Append(c);
                continue;
            }

            c = text[++i];
            switch (c)
            {
                case 't': builder.Append('\t'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 'f': builder.Append('\f'); break;
                case 'u':
                    if (text.Length - i - 1 < 4 || !int.TryParse(text.AsSpan(i + 1, 4),
                            NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        result = "";
                        problem = "malformed \\uXXXX escape";
                        return false;
                    }

                    builder.Append((char)code);
                    i += 4;
                    break;
                default: builder.Append(c); break;
            }
        }

        result = builder.ToString();
        return true;
    }

    private static bool IsSeparator(char c) => c is '=' or ':' || IsWhitespace(c);

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\f';

    private static string SkipWhitespace(string line)
    {
        int i = 0;
        while (i < line.Length && IsWhitespace(line[i])) i++;
        return line[i..];
    }

    private static int TrailingBackslashes(string line)
    {
        int count = 0;
        for (int i = line.Length - 1; i >= 0 && line[i] == '\\'; i--) count++;
        return count;
    }
}
