using System.Globalization;

namespace Samsa.Metadata.Configs;

/// <summary>One entry of <c>controller.quorum.voters</c>: <c>{id}@{host}:{port}</c>.</summary>
/// <param name="Id">The voter's <c>node.id</c>.</param>
/// <param name="Address">Where its controller listener is.</param>
public readonly record struct QuorumVoter(int Id, ServerAddress Address)
{
    public override string ToString() => Id.ToString(CultureInfo.InvariantCulture) + "@" + Address;

    public static bool TryParse(string text, out QuorumVoter voter)
    {
        voter = default;
        int at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0
            || !int.TryParse(text.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out int id)
            || !ServerAddress.TryParse(text[(at + 1)..], allowEmptyHost: false, out ServerAddress address))
            return false;
        voter = new QuorumVoter(id, address);
        return true;
    }
}
