using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Maintenance;

// One trimmer per process, however many brokers it runs (samsa dev --brokers N, tests): the activity it samples and
// the memory it gives back are the process's, so a trimmer per broker would only run N collections for one quiet
// spell. The first broker's clock and logger serve until the last broker lets go.
internal sealed partial class IdleMemoryTrim
{
    private static readonly Lock s_processLock = new();
    private static IdleMemoryTrim? s_process;
    private static int s_processUsers;

    /// <summary>Starts the process's trimmer, or joins the one running; dispose the lease when the broker stops.
    /// </summary>
    public static IAsyncDisposable ForProcess(TimeProvider time, ILogger logger)
    {
        lock (s_processLock)
        {
            s_process ??= new IdleMemoryTrim(time, ProcessActivity, TrimProcess, logger);
            s_processUsers++;
        }
        return new ProcessLease();
    }

    private sealed class ProcessLease : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return ValueTask.CompletedTask;
            IdleMemoryTrim? last = null;
            lock (s_processLock)
            {
                if (--s_processUsers == 0)
                {
                    last = s_process;
                    s_process = null;
                }
            }
            return last?.DisposeAsync() ?? ValueTask.CompletedTask;
        }
    }
}
