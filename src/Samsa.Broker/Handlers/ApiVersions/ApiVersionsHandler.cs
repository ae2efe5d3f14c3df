namespace Samsa.Broker.Handlers;

// ApiVersions v0–4. Lists every API the broker serves with the versions its handler declares, nothing more.
// Version notes: v3 first flexible (client software name and version in the request); the response header is
// always v0 (KIP-511), and an unknown request version is answered at v0 with UNSUPPORTED_VERSION and the list.
[ApiHandler(ApiKey.ApiVersions, MinVersion = 0, MaxVersion = 4)]
internal sealed class ApiVersionsHandler(ApiVersionTable versions)
    : SyncApiHandler<ApiVersionsRequest, ApiVersionsResponse>
{
    private readonly ApiVersionTable _versions = versions;

    protected override ApiVersionsResponse Handle(RequestContext context, ApiVersionsRequest request)
    {
        var response = new ApiVersionsResponse();
        AddServedVersions(response, _versions);
        return response;
    }

    // Unlike the generated answer, the error still lists the served versions, which only the broker knows, so that
    // a client can pick one; RequestDispatcher answers an unknown ApiVersions version the same way (KIP-511).
    protected override ApiVersionsResponse ErrorResponse(RequestContext context, ApiVersionsRequest request,
        ErrorCode error)
    {
        var response = new ApiVersionsResponse { ErrorCode = (short)error };
        AddServedVersions(response, _versions);
        return response;
    }

    public static void AddServedVersions(ApiVersionsResponse response, ApiVersionTable versions)
    {
        foreach ((ApiKey key, short min, short max) in versions.Served)
            response.ApiKeys.Add(
                new ApiVersionsResponse.ApiVersion { ApiKey = (short)key, MinVersion = min, MaxVersion = max });
    }
}
