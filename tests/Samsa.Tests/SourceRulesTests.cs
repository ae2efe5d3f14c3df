using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Samsa.Tests;

// STYLE.md's measures of hand-written C#, enforced over every source file the repository tracks: lines of at most
// 120 columns, files of at most 600 lines (past that a type splits into partials by concern), and members short
// enough to read on one screen. Generated code (Generated/ folders, obj/) is exempt: it is regenerated, not read.
public sealed class SourceRulesTests
{
    public const int MaxColumns = 120;
    public const int MaxFileLines = 600;
    public const int MaxMemberLines = 60;

    private static readonly string[] Roots = ["src", "tests", "tools", "bench"];

    [Fact]
    public void Hand_written_lines_fit_in_120_columns()
    {
        string[] violations = [.. Sources().SelectMany(LongLines)];
        Assert.True(violations.Length == 0,
            $"{violations.Length} lines longer than {MaxColumns} columns:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Hand_written_files_stay_under_600_lines()
    {
        string[] violations =
        [
            .. Sources().Select(f => (f.Path, Lines: f.Text.Split('\n').Length - 1))
                .Where(f => f.Lines > MaxFileLines).Select(f => $"{f.Path}: {f.Lines} lines"),
        ];
        Assert.True(violations.Length == 0, "Files to split by concern:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Hand_written_members_fit_on_a_screen()
    {
        string[] violations = [.. Sources().SelectMany(f => LongMembers(f.Path, f.Text))];
        Assert.True(violations.Length == 0,
            $"{violations.Length} members longer than {MaxMemberLines} lines:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void The_checks_find_a_long_line_and_a_long_method()
    {
        string longLine = "class C { string s = \"" + new string('x', MaxColumns) + "\"; }\n";
        string longMethod = "class D\n{\n    void M()\n    {\n"
            + string.Concat(Enumerable.Repeat("        int.Parse(\"1\");\n", MaxMemberLines)) + "    }\n}\n";

        Assert.Single(LongLines(("a.cs", longLine)));
        Assert.Equal([$"b.cs:3 D.M: {MaxMemberLines + 3} lines"], LongMembers("b.cs", longMethod));
        Assert.Empty(LongMembers("c.cs", "class E { void M() { } }\n"));
    }

    internal static IEnumerable<string> LongLines((string Path, string Text) file)
    {
        string[] lines = file.Text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int width = lines[i].TrimEnd('\r').Length;
            if (width > MaxColumns) yield return $"{file.Path}:{i + 1}: {width} columns";
        }
    }

    /// <summary>Methods, constructors, accessors, operators and local functions longer than the limit, counted from
    /// the first line of their declaration to the last of their body.</summary>
    internal static IEnumerable<string> LongMembers(string path, string text)
    {
        SyntaxNode root = CSharpSyntaxTree.ParseText(text).GetRoot();
        foreach (SyntaxNode node in root.DescendantNodes())
        {
            if (node is not (BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax))
                continue;
            FileLinePositionSpan span = node.GetLocation().GetLineSpan();
            int lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
            if (lines > MaxMemberLines)
                yield return $"{path}:{span.StartLinePosition.Line + 1} {NameOf(node)}: {lines} lines";
        }
    }

    private static string NameOf(SyntaxNode node)
    {
        string member = node switch
        {
            MethodDeclarationSyntax m => m.Identifier.Text,
            ConstructorDeclarationSyntax c => c.Identifier.Text,
            LocalFunctionStatementSyntax l => l.Identifier.Text,
            AccessorDeclarationSyntax a => a.Keyword.Text,
            _ => node.Kind().ToString(),
        };
        string? type = node.Ancestors().OfType<BaseTypeDeclarationSyntax>().FirstOrDefault()?.Identifier.Text;
        return type is null ? member : type + "." + member;
    }

    /// <summary>Every hand-written C# file under the source roots, with its path relative to the repository.</summary>
    private static IEnumerable<(string Path, string Text)> Sources()
    {
        string root = LayeringTests.FindRepositoryRoot();
        foreach (string top in Roots)
        {
            string dir = Path.Combine(root, top);
            if (!Directory.Exists(dir)) continue;
            foreach (string file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories).Order())
            {
                string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (IsGenerated(relative)) continue;
                yield return (relative, File.ReadAllText(file));
            }
        }
    }

    private static bool IsGenerated(string path) =>
        path.Contains("/Generated/", StringComparison.Ordinal) || path.Contains("/obj/", StringComparison.Ordinal)
        || path.Contains("/bin/", StringComparison.Ordinal)
        || path.Contains("/node_modules/", StringComparison.Ordinal);
}
