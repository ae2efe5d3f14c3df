namespace Samsa.Storage.Checkpoints;

/// <summary>A leader epoch and the first offset written in it.</summary>
internal readonly record struct EpochEntry(int Epoch, long StartOffset);
