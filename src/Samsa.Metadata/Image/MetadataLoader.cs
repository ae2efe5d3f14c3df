using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Metadata.Log;

namespace Samsa.Metadata.Image;

// Subscribed to the metadata log, the loader turns committed batches into images. The log calls it on one thread at a
// time, in order; it applies the batch as one delta, tells the publishers, then swaps Current with a single volatile
// write and completes whoever waits for that offset. Readers on other threads only ever see whole images, and only
// images every publisher has acted on: a Metadata answer names a partition's leader once the replica manager has
// opened that replica, so a client never produces to a partition the broker does not hold yet. A batch that does
// not apply (the log contradicts itself) stops the loader for good: Current stays at the last good image, waiters fail
// with the error, and the host should stop, because serving from a stale image would be wrong.
/// <summary>
/// Applies the metadata log to <see cref="MetadataImage"/>s and publishes them: <see cref="Current"/> for readers,
/// <see cref="IMetadataPublisher"/>s for those who act on changes.
/// </summary>
/// <remarks>Thread-safe: <see cref="Current"/> and <see cref="WaitForOffsetAsync"/> from any thread.</remarks>
public sealed class MetadataLoader : IMetadataLogListener
{
    private readonly Lock _lock = new();
    private readonly ILogger _logger;
    private readonly List<IMetadataPublisher> _publishers = [];
    private readonly List<(long Offset, TaskCompletionSource Waiter)> _waiters = [];
    private MetadataImage _image = MetadataImage.Empty;
    private Exception? _failure;

    public MetadataLoader(ILogger? logger = null) => _logger = logger ?? NullLogger.Instance;

    /// <summary>The latest image. Read it once per request for a consistent view.</summary>
    public MetadataImage Current => Volatile.Read(ref _image);

    /// <summary>The error that stopped the loader, or null.</summary>
    public Exception? Failure
    {
        get
        {
            lock (_lock) return _failure;
        }
    }

    /// <summary>Installs a publisher; it first receives the current image (if not empty), then every new one.</summary>
    public void AddPublisher(IMetadataPublisher publisher)
    {
        lock (_lock)
        {
            _publishers.Add(publisher);
            if (!_image.IsEmpty) Publish(publisher, MetadataImage.Empty, _image, null);
        }
    }

    /// <summary>Completes once the image has applied <paramref name="offset"/>.</summary>
    /// <exception cref="InvalidDataException">The loader stopped on a batch it could not apply.</exception>
    public Task WaitForOffsetAsync(long offset, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_failure is not null) return Task.FromException(_failure);
            if (_image.Offset >= offset) return Task.CompletedTask;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((offset, waiter));
            return cancellationToken.CanBeCanceled ? WaitAsync(waiter, cancellationToken) : waiter.Task;
        }
    }

    // A wait given up is removed at once, so long polls that time out on an idle log leave nothing behind.
    private async Task WaitAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        try
        {
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_lock) _waiters.RemoveAll(w => w.Waiter == waiter);
            throw;
        }
    }

    public void OnCommit(MetadataBatch batch)
    {
        lock (_lock)
        {
            if (_failure is not null || batch.LastOffset <= _image.Offset) return;
            MetadataImage previous = _image;
            var delta = new MetadataDelta(previous);
            MetadataImage next;
            try
            {
                foreach (Records.IMetadataRecord record in batch.Records) delta.Replay(record);
                next = delta.Apply(batch.LastOffset, batch.Epoch);
            }
            catch (InvalidDataException e)
            {
                Fail(e);
                throw;
            }
            foreach (IMetadataPublisher publisher in _publishers) Publish(publisher, previous, next, delta);
            Volatile.Write(ref _image, next);
            _logger.AppliedMetadata(next.Offset, next.Epoch);
            CompleteWaiters();
        }
    }

    public void OnSnapshot(MetadataSnapshot snapshot)
    {
        lock (_lock)
        {
            if (_failure is not null || snapshot.LastOffset <= _image.Offset) return;
            MetadataImage previous = _image;
            MetadataImage next;
            try
            {
                next = MetadataImage.Empty.Apply(snapshot.Records, snapshot.LastOffset, snapshot.Epoch);
            }
            catch (InvalidDataException e)
            {
                Fail(e);
                throw;
            }
            foreach (IMetadataPublisher publisher in _publishers) Publish(publisher, previous, next, null);
            Volatile.Write(ref _image, next);
            _logger.LoadedSnapshot(next.Offset, next.Epoch, snapshot.Records.Count);
            CompleteWaiters();
        }
    }

    private void Publish(IMetadataPublisher publisher, MetadataImage previous, MetadataImage next, MetadataDelta? delta)
    {
        try
        {
            publisher.OnMetadataUpdate(previous, next, delta);
        }
        catch (Exception e)
        {
            _logger.PublisherFailed(e, next.Offset);
        }
    }

    private void CompleteWaiters()
    {
        long offset = _image.Offset;
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Offset > offset) continue;
            _waiters[i].Waiter.TrySetResult();
            _waiters.RemoveAt(i);
        }
    }

    private void Fail(Exception e)
    {
        _failure = e;
        foreach ((_, TaskCompletionSource waiter) in _waiters) waiter.TrySetException(e);
        _waiters.Clear();
    }
}
