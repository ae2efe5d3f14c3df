using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Metadata.Tests.Controller;

public sealed class DeleteTopicsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Topics_are_deleted_by_name_and_by_id_with_their_configs()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        await f.Controller.CreateTopicsAsync([new NewTopic("logs", 2, 1, Configs: [new("retention.ms", "5")])],
            validateOnly: false, Ct);
        Guid emailsId = (await f.CreateTopicAsync("emails")).TopicId;

        IReadOnlyList<DeleteTopicResult> results = await f.Controller.DeleteTopicsAsync(
            [TopicToDelete.ByName("logs"), TopicToDelete.ById(emailsId)], Ct);

        Assert.All(results, r => Assert.Equal(ControllerStatus.Ok, r.Status));
        Assert.Equal("emails", results[1].Name);
        Assert.NotEqual(Guid.Empty, results[0].TopicId);
        Assert.Equal(0, f.Image.Topics.Count);
        Assert.False(f.Image.Configs.TryGetResource(ConfigResource.ForTopic("logs"), out _));
    }

    [Fact]
    public async Task Deleted_topic_can_be_created_again_with_a_new_id()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        Guid first = (await f.CreateTopicAsync("logs")).TopicId;
        await f.Controller.DeleteTopicsAsync([TopicToDelete.ByName("logs")], Ct);

        CreateTopicResult again = await f.CreateTopicAsync("logs");

        Assert.Equal(ControllerStatus.Ok, again.Status);
        Assert.NotEqual(first, again.TopicId);
    }

    [Fact]
    public async Task Unknown_topics_duplicates_and_malformed_entries_are_refused()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        Guid logsId = (await f.CreateTopicAsync("logs")).TopicId;
        Guid emailsId = (await f.CreateTopicAsync("emails")).TopicId;

        IReadOnlyList<DeleteTopicResult> results = await f.Controller.DeleteTopicsAsync(
        [
            TopicToDelete.ByName("missing"),
            TopicToDelete.ById(Guid.NewGuid()),
            TopicToDelete.ByName("emails"),
            TopicToDelete.ByName("emails"),
            new TopicToDelete("logs", logsId),
            new TopicToDelete(null, Guid.Empty),
        ], Ct);

        Assert.Equal(
        [
            ControllerStatus.UnknownTopicOrPartition, ControllerStatus.UnknownTopicId, ControllerStatus.InvalidRequest,
            ControllerStatus.InvalidRequest, ControllerStatus.InvalidRequest, ControllerStatus.InvalidRequest,
        ], results.Select(r => r.Status));
        Assert.True(f.Image.Topics.TryGetTopic(emailsId, out _));
        Assert.True(f.Image.Topics.TryGetTopic(logsId, out _));
    }

    [Fact]
    public async Task Same_topic_by_name_and_by_id_is_deleted_once()
    {
        await using var f = new ControllerFixture();
        await f.StartBrokersAsync(1);
        Guid logsId = (await f.CreateTopicAsync("logs")).TopicId;

        IReadOnlyList<DeleteTopicResult> results = await f.Controller.DeleteTopicsAsync(
            [TopicToDelete.ByName("logs"), TopicToDelete.ById(logsId)], Ct);

        Assert.Equal([ControllerStatus.Ok, ControllerStatus.InvalidRequest], results.Select(r => r.Status));
        Assert.False(f.Image.Topics.TryGetTopic("logs", out _));
    }

    [Fact]
    public async Task Deletion_disabled_is_refused()
    {
        await using var f = new ControllerFixture(new MetadataControllerOptions { DeleteTopicEnable = false });
        await f.StartBrokersAsync(1);
        await f.CreateTopicAsync("logs");

        DeleteTopicResult result =
            Assert.Single(await f.Controller.DeleteTopicsAsync([TopicToDelete.ByName("logs")], Ct));

        Assert.Equal(ControllerStatus.TopicDeletionDisabled, result.Status);
        Assert.True(f.Image.Topics.TryGetTopic("logs", out _));
    }
}
