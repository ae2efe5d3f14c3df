using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Primitives;

/// <summary>
/// Throws for the codec, kept out of the inlined read and write paths. Public because generated messages in
/// other assemblies (the metadata records) call it.
/// </summary>
public static class ThrowHelper
{
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void Truncated(int needed, long remaining) =>
        throw new ProtocolException($"needed {needed} bytes but only {remaining} remain");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void BadLength(string what, long length, long remaining) =>
        throw new ProtocolException($"{what} length {length} is invalid with {remaining} bytes remaining");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void VarIntTooLong() => throw new ProtocolException("varint is longer than its type allows");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void NullNotAllowed(string field, short version) =>
        throw new ProtocolException($"{field} is null but is not nullable at version {version}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void Malformed(string message) => throw new ProtocolException(message);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void CannotWrite(string message) => throw new InvalidOperationException(message);
}
