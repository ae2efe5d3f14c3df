using System.Text;

namespace Samsa.GoldenCapture;

/// <summary>A record the producers send, with a fixed create time, so batches can be checked field by field.</summary>
internal sealed record GoldenRecord(byte[]? Key, byte[]? Value, IReadOnlyList<GoldenHeader> Headers, long Timestamp)
{
    /// <summary>2023-11-14T22:13:20Z, in milliseconds since the epoch.</summary>
    public const long BaseTimestamp = 1_700_000_000_000;

    /// <summary>
    /// Five records meant to share one batch: text and binary keys and values, a null key, a null value
    /// (tombstone), headers with empty and null values, and timestamps that are not all consecutive.
    /// </summary>
    public static IReadOnlyList<GoldenRecord> Standard { get; } =
    [
        new(Utf8("order-1"), Utf8("{\"id\":1,\"status\":\"created\"}"),
            [new("content-type", Utf8("application/json"))], BaseTimestamp),
        new(Utf8("order-2"), Utf8(string.Concat(Enumerable.Repeat("samsa ", 32))), [], BaseTimestamp + 1),
        new(Utf8("order-1"), null, [new("reason", Utf8("deleted"))], BaseTimestamp + 2),
        new(null, Utf8("no key"),
            [new("trace-id", Utf8("4bf92f3577b34da6")), new("empty", []), new("null", null)], BaseTimestamp + 3),
        new(Utf8("bin"), [.. Enumerable.Range(0, 256).Select(i => (byte)i)],
            [new("bin", [0x00, 0xFF])], BaseTimestamp + 10),
    ];

    /// <summary>The two records the transactional producer sends.</summary>
    public static IReadOnlyList<GoldenRecord> Transactional { get; } =
    [
        new(Utf8("txn-1"), Utf8("committed one"), [], BaseTimestamp + 100),
        new(Utf8("txn-2"), Utf8("committed two"), [new("txn", Utf8("yes"))], BaseTimestamp + 101),
    ];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

/// <summary>A record header; its value may be null or empty.</summary>
internal sealed record GoldenHeader(string Key, byte[]? Value);
