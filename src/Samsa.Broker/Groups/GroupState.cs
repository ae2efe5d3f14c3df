namespace Samsa.Broker.Groups;

/// <summary>
/// The states of a group, named as Kafka names them on the wire (ListGroups, DescribeGroups). Classic groups use
/// Empty, PreparingRebalance, CompletingRebalance, Stable and Dead; consumer groups (KIP-848) use Empty,
/// Assigning, Reconciling, Stable and Dead.
/// </summary>
internal enum GroupState
{
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
    Assigning,
    Reconciling,
}
