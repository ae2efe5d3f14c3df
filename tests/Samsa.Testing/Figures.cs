using Xunit;

namespace Samsa.Testing;

/// <summary>
/// Where a test's measured figures go: its output, and, when <c>SAMSA_TEST_REPORT</c> names a file, one line appended
/// there too (the output of a passing test is not shown, and closing notes quote these figures).
/// </summary>
public static class Figures
{
    public static void Report(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("SAMSA_TEST_REPORT") is { Length: > 0 } path)
            File.AppendAllText(path, $"{TestContext.Current.Test?.TestDisplayName}: {line}\n");
    }
}
