using System.Runtime.CompilerServices;
using Samsa.Configuration;
using Samsa.Metadata.Configs;

namespace Samsa.Tests.Configuration;

public sealed class ConfigurationDocsTests
{
    [Fact]
    public void Docs_configuration_md_is_what_the_definitions_generate()
    {
        string path = Path.Combine(RepositoryRoot(), ConfigurationDocs.RelativePath);
        string expected = ConfigurationDocs.Generate();

        Assert.True(File.Exists(path), $"{ConfigurationDocs.RelativePath} is missing; run: dotnet run --project "
            + "src/Samsa -- config docs");
        Assert.True(File.ReadAllText(path).ReplaceLineEndings("\n") == expected,
            $"{ConfigurationDocs.RelativePath} is stale; run: dotnet run --project src/Samsa -- config docs");
    }

    [Fact]
    public void Docs_name_every_key_with_its_variable()
    {
        string docs = ConfigurationDocs.Generate();

        foreach (ConfigDef config in BrokerConfigs.All)
        {
            Assert.Contains($"#### `{config.Name}`", docs, StringComparison.Ordinal);
            Assert.Contains($"`{EnvironmentNames.SamsaVariable(config.Name)}`", docs, StringComparison.Ordinal);
        }

        foreach (ConfigDef config in TopicConfigs.All)
            Assert.Contains($"#### `{config.Name}`", docs, StringComparison.Ordinal);
        Assert.Contains("| int | `1` | [1,...] | cluster-wide | `SAMSA_MIN_INSYNC_REPLICAS` |", docs,
            StringComparison.Ordinal);
        Assert.Contains("| long | `604800000` (7 days) | [-1,...] | `log.retention.ms`, `log.retention.minutes`, "
            + "`log.retention.hours` |", docs, StringComparison.Ordinal);
    }

    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        string?[] starts =
            [AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(sourceFile)];
        foreach (string? start in starts)
        {
            DirectoryInfo? first = start is null ? null : new DirectoryInfo(start);
            for (DirectoryInfo? dir = first; dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Samsa.slnx"))) return dir.FullName;
            }
        }

        throw new InvalidOperationException("Samsa.slnx not found");
    }
}
