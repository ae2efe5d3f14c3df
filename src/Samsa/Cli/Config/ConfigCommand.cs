using System.CommandLine;
using System.Globalization;

namespace Samsa.Cli.Config;

/// <summary>
/// <c>samsa config print</c>: loads the configuration from the same sources as <c>samsa broker</c>, refuses it as
/// the broker would (one line per bad value, exit code 1), or prints every key with its value and source, those set
/// by some source first. <c>samsa config docs</c>: writes <c>docs/configuration.md</c> from the definitions.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("config", "Show the effective configuration, or write its documentation.");
        command.Subcommands.Add(CreatePrint(context));
        command.Subcommands.Add(CreateDocs());
        return command;
    }

    private static Command CreatePrint(CliContext context)
    {
        var print = new Command("print", "Load and check the configuration and print each key's value and source.");
        var sourceOptions = new ConfigSourceOptions();
        sourceOptions.AddTo(print);
        print.SetAction(result =>
        {
            TextWriter output = result.InvocationConfiguration.Output;
            TextWriter error = result.InvocationConfiguration.Error;
            if (!sourceOptions.TryRead(result, context, out ConfigSources sources, out string? readError))
            {
                error.WriteLine(readError);
                return 1;
            }

            ConfigLoadResult loaded = ConfigLoader.Load(sources, context.Machine);
            foreach (ConfigWarning warning in loaded.Warnings) error.WriteLine(warning);
            foreach (string line in loaded.Errors) error.WriteLine(line);
            if (!loaded.IsValid) return 1;
            Print(output, loaded.Settings!);
            return 0;
        });
        return print;
    }

    private static Command CreateDocs()
    {
        var docs = new Command("docs", "Write the configuration reference, generated from the definitions.");
        var path = new Option<string>("--output")
        {
            Description = "Where to write it.",
            DefaultValueFactory = _ => ConfigurationDocs.RelativePath,
            HelpName = "file",
        };
        var check = new Option<bool>("--check")
        {
            Description = "Write nothing; exit 1 if the file differs from what would be written.",
        };
        docs.Options.Add(path);
        docs.Options.Add(check);
        docs.SetAction(result =>
        {
            string file = result.GetValue(path)!;
            string text = ConfigurationDocs.Generate();
            if (result.GetValue(check))
            {
                bool fresh = File.Exists(file) && File.ReadAllText(file) == text;
                if (!fresh)
                    result.InvocationConfiguration.Error.WriteLine($"samsa: {file} is stale; run samsa config docs");
                return fresh ? 0 : 1;
            }

            string? directory = Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
            File.WriteAllText(file, text);
            result.InvocationConfiguration.Output.WriteLine($"wrote {file}");
            return 0;
        });
        return docs;
    }

    /// <summary>Prints the keys set by some source, then the defaults, then the listeners.</summary>
    internal static void Print(TextWriter output, BrokerSettings settings)
    {
        ConfigSetting[] rows = [.. settings.Configuration.InDisplayOrder];
        int nameWidth = rows.Max(r => r.Definition.Name.Length);
        int valueWidth = Math.Min(48, rows.Max(r => r.DisplayValue.Length));
        int set = rows.Count(r => !r.IsDefault);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# {rows.Length} keys, {set} set by a source, the others at their defaults"));
        foreach (ConfigSetting row in rows)
        {
            output.WriteLine(row.Definition.Name.PadRight(nameWidth) + "  " + row.DisplayValue.PadRight(valueWidth)
                + "  " + row.Origin.Description);
        }

        output.WriteLine();
        foreach (ConfiguredListener listener in settings.Listeners)
        {
            string advertised = listener.Advertised is { } endpoint
                ? "advertises " + endpoint + (listener.AdvertisesHostName ? " (this machine's host name)" : "")
                : listener.IsController ? "controller listener, not advertised" : "not advertised";
            output.WriteLine($"# listener {listener.Name} binds {listener.Bind}, {advertised}");
        }
    }
}
