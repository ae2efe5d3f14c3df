using System.Diagnostics;
using System.Text;
using Xunit;

namespace Samsa.Testing;

/// <summary>
/// A child process with its output collected line by line. Every wait has a deadline; a wait for a line ends when
/// the line arrives, not on a poll. Dispose kills it (by its PID, with its descendants) if it is still running, so
/// a failing test leaves nothing behind.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _streamsOpen = 2;
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
        ArgumentNullException.ThrowIfNull(arguments);
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
        process.OutputDataReceived += (_, e) => child.Collect(child._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => child.Collect(child._stderr, e.Data);
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
            await child.WriteInputAndCloseAsync(input ?? "").ConfigureAwait(false);
            await child.WaitForExitAsync(deadline).ConfigureAwait(false);
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
            await _process.StandardInput.WriteAsync(input).ConfigureAwait(false);
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
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Kill();
            throw new TimeoutException(
                $"{_description} did not exit within {deadline.TotalSeconds:F0} s\n{Describe()}");
        }
    }

    /// <summary>
    /// Waits for an output line (stdout or stderr) that <paramref name="match"/> accepts, one already printed or
    /// the next to come, and returns it. Throws when the process ends its output without one, or on the deadline.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(match);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            foreach (string line in _stdout.Concat(_stderr))
            {
                if (match(line)) return line;
            }
            _waiters.Add((match, found));
        }
        try
        {
            await Task.WhenAny(found.Task, _outputEnded.Task)
                .WaitAsync(deadline, TestContext.Current.CancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"{_description}: expected line not seen within {deadline.TotalSeconds:F0} s\n{Describe()}");
        }
        finally
        {
            lock (_lock) _waiters.RemoveAll(w => w.Found == found);
        }
        if (found.Task.IsCompleted) return await found.Task.ConfigureAwait(false);
        await WaitForExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        throw new InvalidOperationException($"{_description} exited with {_process.ExitCode}\n{Describe()}");
    }

    /// <summary>The command and the tail of its output, for failure messages.</summary>
    public string Describe()
    {
        string Tail(List<string> lines)
        {
            lock (_lock) return string.Join('\n', lines.Skip(Math.Max(0, lines.Count - 40)));
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

    /// <summary>Sends <paramref name="signal"/> to the process (not its descendants), by PID: SIGTERM (15) asks it to
    /// stop, SIGSTOP (19) pauses it, SIGCONT (18) resumes it. Nothing happens once it has exited.</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited && SendSignal(_process.Id, signal) != 0 && !_process.HasExited)
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed");
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Reported by the test's own assertions; do not hang the run on a process that ignores SIGKILL.
        }
        _process.Dispose();
    }

    // Runs on the process's reader threads, one line at a time per stream; null marks the stream's end.
    private void Collect(List<string> lines, string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _streamsOpen) == 0) _outputEnded.TrySetResult();
            return;
        }
        lock (_lock)
        {
            lines.Add(line);
            foreach ((Func<string, bool> match, TaskCompletionSource<string> found) in _waiters)
            {
                if (match(line)) found.TrySetResult(line);
            }
        }
    }

    private string Joined(List<string> lines)
    {
        lock (_lock) return string.Join('\n', lines);
    }
}
