using System.Collections;

namespace Samsa.Cli;

/// <summary>What the verbs read from outside the command line; tests pass their own.</summary>
/// <param name="Environment">The process environment.</param>
/// <param name="Machine">Host name and memory, for derived defaults.</param>
internal sealed record CliContext(IReadOnlyDictionary<string, string> Environment, MachineInfo Machine)
{
    public static CliContext Current()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        return new CliContext(environment, MachineInfo.Current);
    }
}
