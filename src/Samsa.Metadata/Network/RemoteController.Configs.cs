using Samsa.Metadata.Controller;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Metadata.Network;

// AlterConfigs and IncrementalAlterConfigs, forwarded from a broker once it has resolved each resource.
public sealed partial class RemoteController
{
    public async Task<IReadOnlyList<AlterConfigsResult>> AlterConfigsAsync(
        IReadOnlyList<AlterConfigsResource> resources, bool validateOnly, CancellationToken cancellationToken)
    {
        var request = new AlterConfigsRequest { ValidateOnly = validateOnly };
        foreach (AlterConfigsResource resource in resources)
        {
            request.Resources.Add(new AlterConfigsRequest.AlterConfigsResource
            {
                ResourceType = (sbyte)resource.Resource.Type,
                ResourceName = resource.Resource.Name,
                Configs = [.. resource.Ops.Select(op =>
                    new AlterConfigsRequest.AlterableConfig { Name = op.Name, Value = op.Value })],
            });
        }
        (AlterConfigsResponse? response, string? failure) = await SendAsync<AlterConfigsRequest, AlterConfigsResponse>(
            ApiKey.AlterConfigs, _ => request,
            r => r.Responses.Count > 0 && r.Responses.All(c => IsNotController(c.ErrorCode)), cancellationToken)
            .ConfigureAwait(false);
        return Results(resources, response?.Responses.Select(r => (r.ErrorCode, r.ErrorMessage)).ToList(), failure);
    }

    public async Task<IReadOnlyList<AlterConfigsResult>> IncrementalAlterConfigsAsync(
        IReadOnlyList<AlterConfigsResource> resources, bool validateOnly, CancellationToken cancellationToken)
    {
        var request = new IncrementalAlterConfigsRequest { ValidateOnly = validateOnly };
        foreach (AlterConfigsResource resource in resources)
        {
            request.Resources.Add(new IncrementalAlterConfigsRequest.AlterConfigsResource
            {
                ResourceType = (sbyte)resource.Resource.Type,
                ResourceName = resource.Resource.Name,
                Configs = [.. resource.Ops.Select(op => new IncrementalAlterConfigsRequest.AlterableConfig
                {
                    Name = op.Name, Value = op.Value, ConfigOperation = (sbyte)op.OpType,
                })],
            });
        }
        (IncrementalAlterConfigsResponse? response, string? failure) =
            await SendAsync<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(
                ApiKey.IncrementalAlterConfigs, _ => request,
                r => r.Responses.Count > 0 && r.Responses.All(c => IsNotController(c.ErrorCode)), cancellationToken)
                .ConfigureAwait(false);
        return Results(resources, response?.Responses.Select(r => (r.ErrorCode, r.ErrorMessage)).ToList(), failure);
    }

    private static AlterConfigsResult[] Results(IReadOnlyList<AlterConfigsResource> resources,
        List<(short ErrorCode, string? ErrorMessage)>? answers, string? failure)
    {
        var results = new AlterConfigsResult[resources.Count];
        for (int i = 0; i < results.Length; i++)
        {
            if (answers is null || i >= answers.Count)
            {
                results[i] = new AlterConfigsResult(resources[i].Resource, ControllerStatus.ControllerUnavailable,
                    Unavailable(failure ?? "the controller's answer left the resource out"));
                continue;
            }
            ControllerStatus status = Status(answers[i].ErrorCode);
            results[i] = new AlterConfigsResult(resources[i].Resource, status,
                status == ControllerStatus.Ok ? null : answers[i].ErrorMessage);
        }
        return results;
    }
}
