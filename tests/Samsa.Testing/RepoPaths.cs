using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Samsa.Testing;

/// <summary>Finds the repository, the built <c>samsa.dll</c> and the <c>dotnet</c> host, for tests that need them.
/// </summary>
public static class RepoPaths
{
    /// <summary>
    /// The folder holding <c>Samsa.slnx</c>: searched upwards from the test assembly, then from the working
    /// directory, then from this source file's build-time path (the assembly lives outside the repository when
    /// the build uses <c>--artifacts-path</c>).
    /// </summary>
    public static string RepoRoot => RepoRootOnce.Value;

    private static readonly Lazy<string> RepoRootOnce = new(() => FindRepoRoot());

    private static string FindRepoRoot([CallerFilePath] string sourceFile = "")
    {
        string?[] starts = [AppContext.BaseDirectory, Environment.CurrentDirectory, Path.GetDirectoryName(sourceFile)];
        foreach (string? start in starts)
        {
            DirectoryInfo? dir = start is null ? null : new DirectoryInfo(start);
            for (; dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Samsa.slnx"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"Samsa.slnx not found above {AppContext.BaseDirectory}, {Environment.CurrentDirectory} or {sourceFile}");
    }

    /// <summary>
    /// The built <c>samsa.dll</c> with its runtimeconfig: copied next to the test assembly (the test project
    /// references src/Samsa), or else the Samsa project's own output folder beside it.
    /// </summary>
    public static string SamsaDll()
    {
        string here = AppContext.BaseDirectory;
        var candidates = new List<string> { Path.Combine(here, "samsa.dll") };
        // Artifacts layout: <artifacts>/bin/<test project>/<config>/ beside <artifacts>/bin/Samsa/<config>/.
        DirectoryInfo testOutput = new(here.TrimEnd(Path.DirectorySeparatorChar));
        if (testOutput.Parent?.Parent is { } bin)
            candidates.Add(Path.Combine(bin.FullName, "Samsa", testOutput.Name, "samsa.dll"));
        foreach (string candidate in candidates)
        {
            if (File.Exists(candidate) && File.Exists(Path.ChangeExtension(candidate, ".runtimeconfig.json")))
                return candidate;
        }
        throw new FileNotFoundException("samsa.dll with its runtimeconfig.json not found; looked at "
            + string.Join(", ", candidates));
    }

    /// <summary>The <c>dotnet</c> host running these tests, so a child runs on the same runtime.</summary>
    public static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
            return hostPath;
        // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet
        string runtimeDir = RuntimeEnvironment.GetRuntimeDirectory();
        string root = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        string dotnet = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(dotnet) ? dotnet : "dotnet";
    }

    /// <summary>Whether <paramref name="command"/> is an executable file on PATH.</summary>
    public static string? FindOnPath(string command)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            string candidate = Path.Combine(dir, command);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
