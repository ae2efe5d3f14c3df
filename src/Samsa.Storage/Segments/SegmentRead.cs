namespace Samsa.Storage.Segments;

/// <summary>A run of whole batches in one segment's log: where it starts, its length, and its first base
/// offset.</summary>
internal readonly record struct SegmentRead(int Position, int Length, long FirstOffset);
