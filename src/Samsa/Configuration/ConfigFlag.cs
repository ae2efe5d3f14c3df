namespace Samsa.Configuration;

/// <summary>A key given on the command line, in command-line order.</summary>
/// <param name="Key">The property name.</param>
/// <param name="Value">Its value.</param>
/// <param name="Origin">The flag as messages name it: <c>--node.id</c> or <c>--override</c>.</param>
internal sealed record ConfigFlag(string Key, string Value, string Origin);
