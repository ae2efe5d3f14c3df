namespace Samsa.Configuration;

/// <summary>A configuration file's name, as messages show it, and its text.</summary>
internal sealed record ConfigFile(string Path, string Text);
