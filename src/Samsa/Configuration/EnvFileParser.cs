using System.Globalization;
using System.Text;

namespace Samsa.Configuration;

/// <summary>
/// Reads an env file (<c>.env</c>) as Docker Compose's <c>env_file:</c> does, so one file serves both:
/// <c>NAME=VALUE</c> lines, optionally prefixed by <c>export</c>; <c>#</c> comment and blank lines; a value in
/// double quotes with <c>\n \r \t \\ \"</c> escapes, in single quotes taken literally, or bare with surrounding
/// whitespace and a trailing <c> # comment</c> removed. No <c>${VAR}</c> interpolation and no multi-line values.
/// </summary>
internal static class EnvFileParser
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> is "line N: …".</summary>
    public static bool TryParse(string text, out IReadOnlyList<ConfigFileEntry> entries, out string? error)
    {
        var result = new List<ConfigFileEntry>();
        entries = result;
        error = null;
        string[] lines = text.TrimStart('\uFEFF').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("export", StringComparison.Ordinal) && line.Length > 6 && char.IsWhiteSpace(line[6]))
                line = line[7..].TrimStart();
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? line : line[..equals].Trim();
            if (equals < 0 || !IsName(name))
            {
                error = Line(i, "expected NAME=VALUE");
                return false;
            }

            if (!TryParseValue(line[(equals + 1)..].TrimStart(), out string value, out string? problem))
            {
                error = Line(i, problem!);
                return false;
            }

            result.Add(new ConfigFileEntry(name, value, i + 1));
        }

        return true;
    }

    private static bool TryParseValue(string text, out string value, out string? problem)
    {
        problem = null;
        if (text.Length == 0 || text[0] is not '"' and not '\'')
        {
            int comment = text.IndexOf(" #", StringComparison.Ordinal);
            int tabComment = text.IndexOf("\t#", StringComparison.Ordinal);
            if (tabComment >= 0 && (comment < 0 || tabComment < comment)) comment = tabComment;
            value = (comment < 0 ? text : text[..comment]).TrimEnd();
            return true;
        }

        char quote = text[0];
        var builder = new StringBuilder();
        int i = 1;
        for (; i < text.Length && text[i] != quote; i++)
        {
            if (quote == '"' && text[i] == '\\' && i + 1 < text.Length)
            {
                char next = text[++i];
                builder.Append(next switch
                {
                    'n' => "\n",
                    'r' => "\r",
                    't' => "\t",
                    '\\' or '"' => next.ToString(),
                    _ => "\\" + next,
                });
            }
            else
            {
                builder.Append(text[i]);
            }
        }

        value = builder.ToString();
        if (i >= text.Length)
        {
            problem = quote == '"' ? "unterminated double quote" : "unterminated single quote";
            return false;
        }

        string rest = text[(i + 1)..].Trim();
        if (rest.Length > 0 && rest[0] != '#')
        {
            problem = "unexpected text after the closing quote";
            return false;
        }

        return true;
    }

    private static bool IsName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '.' and not '-') return false;
        }

        return true;
    }

    private static string Line(int index, string problem) =>
        string.Create(CultureInfo.InvariantCulture, $"line {index + 1}: {problem}");
}
