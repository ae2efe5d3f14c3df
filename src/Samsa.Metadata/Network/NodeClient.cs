using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Metadata.Network;

/// <summary>
/// The client of one Kafka node (the controller, a partition's leader): one connection at a time, opened on first
/// use and its API versions negotiated with ApiVersions; each request goes at the highest version both sides serve.
/// </summary>
/// <remarks>
/// Thread-safe: requests from any thread share the connection, pipelined. After a failure the next request opens a
/// new connection, but not before the backoff has passed: it doubles from
/// <see cref="KafkaClientOptions.ReconnectBackoff"/> to <see cref="KafkaClientOptions.ReconnectBackoffMax"/> with
/// ±20 % jitter, and a successful connect resets it, as Kafka's clients do. A request is not retried here: the
/// caller knows whether it is safe to send again.
/// </remarks>
public sealed class NodeClient(string host, int port, KafkaClientOptions options, TimeProvider time)
    : IAsyncDisposable
{
    private static readonly string SoftwareVersion =
        typeof(NodeClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private Session? _session;           // the open connection with its negotiated versions
    private int _failures;               // guarded by _connecting
    private DateTimeOffset _nextAttempt; // guarded by _connecting
    private bool _disposed;

    public string Endpoint => $"{host}:{port}";

    /// <summary>
    /// Sends <paramref name="request"/> at the highest version of <paramref name="apiKey"/> that the node and
    /// <typeparamref name="TRequest"/> both know, connecting first if need be, and returns the response.
    /// </summary>
    /// <exception cref="KafkaClientException">No response: the node is unreachable, the connection failed or timed
    /// out, or no version is common (<see cref="KafkaClientException.IsUnsupportedVersion"/>).</exception>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(ApiKey apiKey, TRequest request,
        CancellationToken cancellationToken)
        where TRequest : IKafkaMessage<TRequest>
        where TResponse : IKafkaMessage<TResponse>
    {
        Session session = await SessionAsync(cancellationToken).ConfigureAwait(false);
        short version = session.VersionFor(apiKey, TRequest.LowestSupportedVersion, TRequest.HighestSupportedVersion);
        return await session.Connection.SendAsync<TResponse>(apiKey, version, request, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The version a request of <paramref name="apiKey"/> would go at, connecting first if need be.</summary>
    public async Task<short> VersionForAsync<TRequest>(ApiKey apiKey, CancellationToken cancellationToken)
        where TRequest : IKafkaMessage<TRequest>
    {
        Session session = await SessionAsync(cancellationToken).ConfigureAwait(false);
        return session.VersionFor(apiKey, TRequest.LowestSupportedVersion, TRequest.HighestSupportedVersion);
    }

    private async Task<Session> SessionAsync(CancellationToken cancellationToken)
    {
        Session? session = Volatile.Read(ref _session);
        if (session is not null && !session.Connection.IsClosed) return session;
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            session = _session;
            if (session is not null && !session.Connection.IsClosed) return session;
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (session is not null) await session.Connection.DisposeAsync().ConfigureAwait(false);
            TimeSpan wait = _nextAttempt - time.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            session = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _session, session);
            return session;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task<Session> ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        KafkaClientConnection? connection = null;
        try
        {
            connection = await KafkaClientConnection.ConnectAsync(host, port, options, time, linked.Token)
                .ConfigureAwait(false);
            ApiVersionsResponse versions = await NegotiateAsync(connection, linked.Token).ConfigureAwait(false);
            _failures = 0;
            _nextAttempt = default;
            return new Session(connection, versions, Endpoint);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
            _failures++;
            _nextAttempt = time.GetUtcNow() + Backoff(_failures);
            if (e is KafkaClientException { IsUnsupportedVersion: true }) throw;
            string why = timeout.IsCancellationRequested
                ? $"no connection within {options.ConnectTimeout.TotalSeconds} s"
                : e.Message;
            throw new KafkaClientException($"cannot reach {Endpoint}: {why}", e);
        }
    }

    /// <summary>
    /// ApiVersions at the newest version Samsa knows. A node that does not serve it answers UNSUPPORTED_VERSION with
    /// the versions it does serve, and is asked again at its newest (as Kafka's clients do).
    /// </summary>
    private async Task<ApiVersionsResponse> NegotiateAsync(KafkaClientConnection connection,
        CancellationToken cancellationToken)
    {
        var request = new ApiVersionsRequest { ClientSoftwareName = "samsa", ClientSoftwareVersion = SoftwareVersion };
        ApiVersionsResponse response = await connection.SendAsync<ApiVersionsResponse>(ApiKey.ApiVersions,
            ApiVersionsRequest.HighestSupportedVersion, request, cancellationToken).ConfigureAwait(false);
        if (response.ErrorCode == (short)ErrorCode.UnsupportedVersion)
        {
            short version = 0;
            foreach (ApiVersionsResponse.ApiVersion api in response.ApiKeys)
            {
                if (api.ApiKey == (short)ApiKey.ApiVersions)
                    version = Math.Clamp(api.MaxVersion, (short)0, ApiVersionsRequest.HighestSupportedVersion);
            }
            response = await connection.SendAsync<ApiVersionsResponse>(ApiKey.ApiVersions, version, request,
                cancellationToken).ConfigureAwait(false);
        }
        if (response.ErrorCode != (short)ErrorCode.None)
        {
            throw new KafkaClientException(
                $"{Endpoint} answered ApiVersions with {(ErrorCode)response.ErrorCode}");
        }
        return response;
    }

    private TimeSpan Backoff(int failures)
    {
        double ms = options.ReconnectBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        ms = Math.Min(ms, options.ReconnectBackoffMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }

    public async ValueTask DisposeAsync()
    {
        await _connecting.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_session is not null) await _session.Connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>An open connection and the version ranges the node announced on it.</summary>
    private sealed class Session(KafkaClientConnection connection, ApiVersionsResponse versions, string endpoint)
    {
        private readonly Dictionary<short, (short Min, short Max)> _ranges = RangesOf(versions);

        public KafkaClientConnection Connection { get; } = connection;

        public short VersionFor(ApiKey apiKey, short lowest, short highest)
        {
            if (_ranges.TryGetValue((short)apiKey, out var range))
            {
                short version = Math.Min(highest, range.Max);
                if (version >= Math.Max(lowest, range.Min)) return version;
            }
            throw new KafkaClientException($"{endpoint} serves no version of {apiKey} in {lowest}-{highest}")
            {
                IsUnsupportedVersion = true,
            };
        }

        private static Dictionary<short, (short, short)> RangesOf(ApiVersionsResponse versions)
        {
            var ranges = new Dictionary<short, (short, short)>(versions.ApiKeys.Count);
            foreach (ApiVersionsResponse.ApiVersion api in versions.ApiKeys)
                ranges[api.ApiKey] = (api.MinVersion, api.MaxVersion);
            return ranges;
        }
    }
}
