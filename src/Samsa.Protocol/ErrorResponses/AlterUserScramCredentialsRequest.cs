namespace Samsa.Protocol.Messages;

// Kafka's AlterUserScramCredentialsRequest.getErrorResponse answers once per user, in name order, whether the request
// deletes or upserts its credentials: the generated rules pair one request array with one response array, and cannot
// merge two.
public sealed partial class AlterUserScramCredentialsRequest
{
    static partial void OnErrorResponse(AlterUserScramCredentialsRequest request,
        AlterUserScramCredentialsResponse response, short version, ErrorCode error)
    {
        var users = new SortedSet<string>(StringComparer.Ordinal);
        foreach (ScramCredentialDeletion deletion in request.Deletions) users.Add(deletion.Name);
        foreach (ScramCredentialUpsertion upsertion in request.Upsertions) users.Add(upsertion.Name);
        foreach (string user in users)
        {
            response.Results.Add(new AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult
            {
                User = user, ErrorCode = (short)error, ErrorMessage = error.Message(),
            });
        }
    }
}
