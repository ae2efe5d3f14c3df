using System.Buffers;
using Samsa.Protocol.Headers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Tests.Messages;

namespace Samsa.Protocol.Tests.Headers;

public sealed class HeaderVersionsTests
{
    [Theory]
    [InlineData(ApiKey.Produce, 8, 1)]
    [InlineData(ApiKey.Produce, 9, 2)]
    [InlineData(ApiKey.Metadata, 8, 1)]
    [InlineData(ApiKey.Metadata, 9, 2)]
    [InlineData(ApiKey.ApiVersions, 2, 1)]
    [InlineData(ApiKey.ApiVersions, 3, 2)]
    [InlineData(ApiKey.ControlledShutdown, 0, 0)]
    [InlineData(ApiKey.ControlledShutdown, 1, 1)]
    public void Request_header_version_follows_flexible_versions(ApiKey key, short version, short expected) =>
        Assert.Equal(expected, HeaderVersions.Request(key, version));

    [Theory]
    [InlineData(ApiKey.Fetch, 11, 0)]
    [InlineData(ApiKey.Fetch, 12, 1)]
    [InlineData(ApiKey.ApiVersions, 0, 0)]
    [InlineData(ApiKey.ApiVersions, 3, 0)]
    [InlineData(ApiKey.ApiVersions, 4, 0)]
    public void Response_header_version_follows_flexible_versions_except_ApiVersions(ApiKey key, short version,
        short expected) => Assert.Equal(expected, HeaderVersions.Response(key, version));

    [Fact]
    public void Client_id_stays_a_classic_string_in_header_v2()
    {
        var header = new RequestHeader
        {
            RequestApiKey = (short)ApiKey.Metadata, RequestApiVersion = 12, CorrelationId = 7, ClientId = "abc",
        };
        byte[] bytes = MessageRoundTripTests.Write(header, 2);
        // api key, version, correlation id, int16 length 3, "abc", empty tagged fields
        Assert.Equal(new byte[] { 0, 3, 0, 12, 0, 0, 0, 7, 0, 3, (byte)'a', (byte)'b', (byte)'c', 0 }, bytes);
        var reader = new KafkaReader(new ReadOnlySequence<byte>(bytes));
        RequestHeader read = HeaderVersions.ReadRequestHeader(ref reader, out short headerVersion);
        Assert.Equal(2, headerVersion);
        Assert.Equal(header, read);
    }
}
