using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace Samsa.Tests;

// docs/architecture.md's layers, lowest first. A project under src/ may reference only projects below it in this
// list (above it in that page's table); a reference to its own layer, to a layer above, or to a project outside the
// list fails.
public sealed class LayeringTests
{
    private static readonly string[] Layers =
        ["Samsa.Protocol", "Samsa.Storage", "Samsa.Metadata", "Samsa.Broker", "Samsa"];

    [Fact]
    public void Src_projects_reference_only_lower_layers()
    {
        string root = FindRepositoryRoot();
        (string Path, string Text)[] projects =
        [
            .. SrcProjectPaths(root).Select(p => (p, File.ReadAllText(Path.Combine(root, p)))),
        ];

        Assert.NotEmpty(projects);
        IReadOnlyList<string> violations = FindViolations(projects);
        Assert.True(violations.Count == 0, "Layering violations:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Upward_sideways_and_unknown_references_are_reported()
    {
        (string Path, string Text)[] projects =
        [
            ("src/Samsa.Protocol/Samsa.Protocol.csproj",
                Csproj("../Samsa.Storage/Samsa.Storage.csproj")),                     // upward
            ("src/Samsa.Storage/Samsa.Storage.csproj",
                Csproj("../Samsa.Protocol/Samsa.Protocol.csproj")),                   // fine
            ("src/Samsa.Broker/Samsa.Broker.csproj",
                Csproj(@"..\Samsa.Metadata\Samsa.Metadata.csproj", "../Samsa/Samsa.csproj")), // fine, upward
            ("src/Samsa.Metadata/Samsa.Metadata.csproj",
                Csproj("../../src/Samsa.Metadata/Samsa.Metadata.csproj")),            // sideways (itself)
            ("src/Samsa/Samsa.csproj",
                Csproj("../../tools/Samsa.ProtocolGen/Samsa.ProtocolGen.csproj")),    // unknown project
            ("src/Samsa.Extras/Samsa.Extras.csproj", Csproj()),                       // not in the table
        ];

        IReadOnlyList<string> violations = FindViolations(projects);

        Assert.Equal(5, violations.Count);
        Assert.Contains(violations, v => v.StartsWith("src/Samsa.Protocol/", StringComparison.Ordinal)
            && v.Contains("src/Samsa.Storage/Samsa.Storage.csproj", StringComparison.Ordinal)
            && v.Contains("upward", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("src/Samsa.Broker/", StringComparison.Ordinal)
            && v.Contains("src/Samsa/Samsa.csproj", StringComparison.Ordinal)
            && v.Contains("upward", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("src/Samsa.Metadata/", StringComparison.Ordinal)
            && v.Contains("sideways", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("src/Samsa/", StringComparison.Ordinal)
            && v.Contains("tools/Samsa.ProtocolGen/Samsa.ProtocolGen.csproj", StringComparison.Ordinal)
            && v.Contains("unknown", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("src/Samsa.Extras/", StringComparison.Ordinal)
            && v.Contains("not in docs/architecture.md", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.StartsWith("src/Samsa.Storage/", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_src_project_is_in_the_solution()
    {
        string root = FindRepositoryRoot();
        HashSet<string> inSolution = SolutionProjectPaths(root);

        string[] missing = [.. SrcProjectPaths(root).Where(p => !inSolution.Contains(p))];

        Assert.True(missing.Length == 0, "Not in Samsa.slnx: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_solution_project_exists_on_disk()
    {
        string root = FindRepositoryRoot();

        string[] absent = [.. SolutionProjectPaths(root).Where(p => !File.Exists(Path.Combine(root, p))).Order()];

        Assert.True(absent.Length == 0, "In Samsa.slnx but not on disk: " + string.Join(", ", absent));
    }

    /// <summary>
    /// Checks the ProjectReference items of src projects against <see cref="Layers"/>. Paths are relative to the
    /// repository root with '/' separators; each reference is resolved against its project's directory. Returns one
    /// line per violation, naming the project and the offending reference.
    /// </summary>
    internal static IReadOnlyList<string> FindViolations(IEnumerable<(string Path, string Text)> projects)
    {
        var violations = new List<string>();
        foreach ((string path, string text) in projects)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            int layer = LayerOf(path);
            if (layer < 0)
            {
                violations.Add($"{path}: project {name} is not in docs/architecture.md's layer table");
                continue;
            }

            string directory = path[..(path.LastIndexOf('/') + 1)];
            foreach (XElement reference in XDocument.Parse(text).Descendants()
                .Where(e => e.Name.LocalName == "ProjectReference"))
            {
                string include = (string?)reference.Attribute("Include") ?? "";
                string target = Normalize(directory + include.Replace('\\', '/'));
                int targetLayer = LayerOf(target);
                if (targetLayer < 0)
                {
                    violations.Add($"{path}: references {target}, an unknown project "
                        + "(not a layer of docs/architecture.md)");
                }
                else if (targetLayer == layer)
                {
                    violations.Add($"{path}: references {target}, a sideways reference within layer {name}");
                }
                else if (targetLayer > layer)
                {
                    violations.Add($"{path}: references {target}, an upward reference from {name} to "
                        + Layers[targetLayer]);
                }
            }
        }

        return violations;
    }

    // The layer index of "src/<Name>/<Name>.csproj" for a Name in Layers, else -1.
    private static int LayerOf(string path)
    {
        for (int i = 0; i < Layers.Length; i++)
        {
            if (path == $"src/{Layers[i]}/{Layers[i]}.csproj")
            {
                return i;
            }
        }

        return -1;
    }

    // Resolves "." and ".." segments without touching the file system, so that fake projects work too.
    private static string Normalize(string path)
    {
        var segments = new List<string>();
        foreach (string segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                if (segments.Count > 0 && segments[^1] != "..")
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                else
                {
                    segments.Add(segment);
                }
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }

        return string.Join('/', segments);
    }

    private static string Csproj(params string[] references) =>
        "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n"
        + string.Concat(references.Select(r => $"    <ProjectReference Include=\"{r}\" />\n"))
        + "  </ItemGroup>\n</Project>\n";

    private static string[] SrcProjectPaths(string root) =>
    [
        .. Directory.GetDirectories(Path.Combine(root, "src"))
            .SelectMany(d => Directory.GetFiles(d, "*.csproj"))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];

    private static HashSet<string> SolutionProjectPaths(string root) =>
    [
        .. XDocument.Load(Path.Combine(root, "Samsa.slnx")).Descendants()
            .Where(e => e.Name.LocalName == "Project")
            .Select(e => Normalize(((string?)e.Attribute("Path") ?? "").Replace('\\', '/'))),
    ];

    // Walks up from the test's output directory until Samsa.slnx. When the build puts its output outside the
    // repository (--artifacts-path /tmp/...), walks up from the working directory and then from this source file.
    internal static string FindRepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        string?[] starts =
            [AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(sourceFile)];
        foreach (string? start in starts)
        {
            DirectoryInfo? dir = start is null ? null : new DirectoryInfo(start);
            for (; dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Samsa.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Samsa.slnx not found above " + string.Join(", ", starts));
    }
}
