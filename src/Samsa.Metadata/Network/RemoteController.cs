using Samsa.Metadata.Configs;
using Samsa.Metadata.Controller;
using Samsa.Protocol;

namespace Samsa.Metadata.Network;

// Each call is one Kafka RPC to the controller listener, at the highest version both sides serve. Requests go to the
// voter that last answered; a voter that cannot be reached, or answers NOT_CONTROLLER, passes the call to the next,
// once round the quorum. A call that finds no active controller answers ControllerUnavailable for every item, and the
// caller (a heartbeat loop, an admin client) retries on its own schedule, as Kafka's brokers and clients do.
/// <summary>
/// The controller as a broker that is not itself the controller sees it: <see cref="IController"/> over the
/// controller quorum's listeners (<c>controller.quorum.voters</c>), with Kafka's RPCs.
/// </summary>
/// <remarks>Thread-safe; calls from any thread share one pipelined connection per voter.</remarks>
public sealed partial class RemoteController : IController, IAsyncDisposable
{
    private readonly NodeClient[] _voters;
    private readonly int[] _voterIds;
    private int _current;

    /// <param name="voters">The controller quorum; at least one voter.</param>
    /// <param name="options">Timeouts and backoff for the connections to the voters.</param>
    /// <param name="time">The clock for timeouts and backoff.</param>
    public RemoteController(IReadOnlyList<QuorumVoter> voters, KafkaClientOptions options, TimeProvider time)
    {
        if (voters.Count == 0) throw new ArgumentException("the quorum needs at least one voter", nameof(voters));
        _voters = [.. voters.Select(v => new NodeClient(v.Address.Host, v.Address.Port, options, time))];
        _voterIds = [.. voters.Select(v => v.Id)];
    }

    /// <summary>The voter requests go to first: the one that answered last.</summary>
    public int CurrentVoterId => _voterIds[Volatile.Read(ref _current)];

    /// <summary>Where that voter's controller listener is.</summary>
    public string CurrentVoterEndpoint => _voters[Volatile.Read(ref _current)].Endpoint;

    /// <summary>
    /// Sends one request round the quorum until a voter that leads answers. <paramref name="build"/> makes the request
    /// for the version it will go at; <paramref name="notController"/> tells a response that passes the call on.
    /// </summary>
    /// <returns>The response, or null with a failure saying why no voter answered.</returns>
    private async Task<(TResponse? Response, string? Failure)> SendAsync<TRequest, TResponse>(ApiKey apiKey,
        Func<short, TRequest> build, Func<TResponse, bool> notController, CancellationToken cancellationToken)
        where TRequest : IKafkaMessage<TRequest>
        where TResponse : class, IKafkaMessage<TResponse>
    {
        string? failure = null;
        int first = Volatile.Read(ref _current);
        for (int i = 0; i < _voters.Length; i++)
        {
            int index = (first + i) % _voters.Length;
            NodeClient voter = _voters[index];
            try
            {
                short version = await voter.VersionForAsync<TRequest>(apiKey, cancellationToken).ConfigureAwait(false);
                TResponse response = await voter.SendAsync<TRequest, TResponse>(apiKey, build(version),
                    cancellationToken).ConfigureAwait(false);
                if (notController(response))
                {
                    failure = $"the controller at {voter.Endpoint} is not the active controller";
                    continue;
                }
                Volatile.Write(ref _current, index);
                return (response, null);
            }
            catch (KafkaClientException e)
            {
                failure = e.Message;
            }
        }
        return (null, failure);
    }

    private static bool IsNotController(short errorCode) => errorCode == (short)ErrorCode.NotController;

    private static ControllerStatus Status(short errorCode) => ControllerErrors.FromErrorCode(errorCode);

    /// <summary>The message a result carries when no controller answered.</summary>
    private static string Unavailable(string? failure) => $"No active controller could be reached: {failure}";

    public async ValueTask DisposeAsync()
    {
        foreach (NodeClient voter in _voters) await voter.DisposeAsync().ConfigureAwait(false);
    }
}
