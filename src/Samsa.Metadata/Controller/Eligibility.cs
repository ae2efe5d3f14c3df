namespace Samsa.Metadata.Controller;

/// <summary>Which brokers may lead or be in an ISR while a batch is being built: the unfenced ones of the image, less
/// the one being fenced, plus the one being unfenced.</summary>
internal readonly struct Eligibility(BrokersImage brokers, int excluded = -1, int included = -1)
{
    public bool IsEligible(int brokerId) =>
        brokerId != excluded && (brokerId == included || brokers.IsUnfenced(brokerId));
}
