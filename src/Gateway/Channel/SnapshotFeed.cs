// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Google.Protobuf;

namespace Gateway.Channel;

/// <summary>
/// The control loop's latest snapshot, handed to the in-process data plane (an event) and to the config channel's
/// streams (an awaitable "newer than what I sent"). Versions count up within one controller session.
/// </summary>
public sealed class SnapshotFeed
{
    private readonly Lock _lock = new();
    private FeedEntry? _current;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// This controller process: a restarted controller counts versions from 1 again in a new session, and a proxy
    /// takes any snapshot from a session other than the one it serves (see docs/ARCHITECTURE.md, config channel).
    /// </summary>
    public string Session { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The latest snapshot; null until the control loop has published one.</summary>
    public FeedEntry? Current => _current;

    /// <summary>Raised on the control loop's thread after every publish.</summary>
    public event Action<ProxySnapshot>? Published;

    public void Publish(ProxySnapshot snapshot)
    {
        TaskCompletionSource waiting;
        lock (_lock)
        {
            _current = new FeedEntry(snapshot);
            waiting = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        waiting.SetResult();
        Published?.Invoke(snapshot);
    }

    /// <summary>The current entry as soon as there is one whose version is not <paramref name="sentVersion"/>.</summary>
    public async Task<FeedEntry> NextAsync(long sentVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task published;
            lock (_lock)
            {
                if (_current is { } current && current.Snapshot.Version != sentVersion)
                {
                    return current;
                }

                published = _next.Task;
            }

            await published.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>One published snapshot; its wire form is made once, on first use, and shared by every stream.</summary>
public sealed class FeedEntry(ProxySnapshot snapshot)
{
    private readonly Lazy<ByteString> _payload = new(() => UnsafeByteOperations.UnsafeWrap(SnapshotJson.SerializeToUtf8Bytes(snapshot)));

    public ProxySnapshot Snapshot { get; } = snapshot;

    public ByteString Payload => _payload.Value;
}
