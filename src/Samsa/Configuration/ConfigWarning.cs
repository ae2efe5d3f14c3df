namespace Samsa.Configuration;

/// <summary>Something odd in the configuration that does not stop start-up.</summary>
/// <param name="Kind">What kind of oddity.</param>
/// <param name="Message">One line, without the "samsa: warning: " prefix.</param>
internal sealed record ConfigWarning(ConfigWarningKind Kind, string Message)
{
    public override string ToString() => "samsa: warning: " + Message;
}
