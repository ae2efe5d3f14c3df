using System.Diagnostics;
using System.Text;
using Xunit;

namespace Samsa.Testing;

/// <summary>
/// A child process with its output collected line by line. Every wait has a deadline; dispose kills it (by its
/// PID, with its descendants) if it is still running, so a failing test leaves nothing behind.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly string _description;

    private ChildProcess(Process process, string description)
    {
        _process = process;
        _description = description;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string StandardOutput => Joined(_stdout);

    public string StandardError => Joined(_stderr);

    /// <summary>Starts <paramref name="fileName"/>; stdin stays open for <see cref="WriteInputAndCloseAsync"/>.
    /// </summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach ((string key, string value) in environment) info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, $"{fileName} {string.Join(' ', info.ArgumentList)}");
        process.OutputDataReceived += (_, e) => Collect(child._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(child._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Runs a command to completion with a deadline, feeding it <paramref name="input"/>; on expiry it is killed
    /// and <see cref="TimeoutException"/> carries its output.
    /// </summary>
    public static async Task<Completed> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan deadline,
        string? input = null, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ChildProcess child = Start(fileName, arguments, workingDirectory, environment);
        await using (child)
        {
            await child.WriteInputAndCloseAsync(input ?? "");
            await child.WaitForExitAsync(deadline);
            return new Completed(child._description, child.ExitCode, child.StandardOutput, child.StandardError);
        }
    }

    /// <summary>What a finished process left: its exit code and output.</summary>
    public sealed record Completed(string Command, int ExitCode, string StandardOutput, string StandardError)
    {
        public string Describe() =>
            $"$ {Command}\nexit code {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
    }

    public async Task WriteInputAndCloseAsync(string input)
    {
        try
        {
            await _process.StandardInput.WriteAsync(input);
            _process.StandardInput.Close();
        }
        catch (IOException) when (_process.HasExited)
        {
            // The child exited without reading its input; its exit code and output tell why.
        }
    }

    /// <summary>Waits for the process to exit and its output to be read; kills it and throws on the deadline.</summary>
    public async Task WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException(
                $"{_description} did not exit within {deadline.TotalSeconds:F0} s\n{Describe()}");
        }
    }

    /// <summary>Waits for an output line (stdout or stderr) that <paramref name="match"/> accepts; returns it.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan deadline)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            foreach (List<string> lines in new[] { _stdout, _stderr })
            {
                lock (lines)
                {
                    foreach (string line in lines)
                    {
                        if (match(line)) return line;
                    }
                }
            }
            if (_process.HasExited)
                throw new InvalidOperationException($"{_description} exited with {_process.ExitCode}\n{Describe()}");
            if (Stopwatch.GetElapsedTime(start) > deadline)
                throw new TimeoutException(
                    $"{_description}: expected line not seen within {deadline.TotalSeconds:F0} s\n{Describe()}");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The command and the tail of its output, for failure messages.</summary>
    public string Describe()
    {
        static string Tail(List<string> lines)
        {
            lock (lines) return string.Join('\n', lines.Skip(Math.Max(0, lines.Count - 40)));
        }
        return $"$ {_description}\n--- stdout (tail) ---\n{Tail(_stdout)}\n--- stderr (tail) ---\n{Tail(_stderr)}";
    }

    /// <summary>Kills the process and its descendants, by PID; a process that already exited is left alone.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Reported by the test's own assertions; do not hang the run on a process that ignores SIGKILL.
        }
        _process.Dispose();
    }

    private static void Collect(List<string> lines, string? line)
    {
        if (line is null) return;
        lock (lines) lines.Add(line);
    }

    private static string Joined(List<string> lines)
    {
        lock (lines) return string.Join('\n', lines);
    }
}
