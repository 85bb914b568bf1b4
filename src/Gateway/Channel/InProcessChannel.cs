// SPDX-License-Identifier: Apache-2.0
using Gateway.Proxy;
using Gateway.Snapshot;
using Gateway.Status;

namespace Gateway.Channel;

/// <summary>
/// The config channel of --role all: each published snapshot goes live on the control loop's thread. One the data
/// plane cannot apply (a certificate that does not load, a route that does not compile) is refused: the last good
/// snapshot keeps serving (ProxyState swaps only a fully built config) and ProxyConfig status says why until a
/// later snapshot applies.
/// </summary>
public sealed partial class InProcessChannel(ProxyState proxy, TimeProvider time, ILogger<InProcessChannel> logger)
{
    private DateTimeOffset? _appliedAt;

    /// <summary>Connected=False/SnapshotRejected while the newest snapshot was refused; null while the newest is live.</summary>
    public ProxyConnection? Refusal { get; private set; }

    /// <summary>Raised when <see cref="Refusal"/> changed.</summary>
    public event Action? Changed;

    public void Apply(ProxySnapshot snapshot)
    {
        try
        {
            proxy.Apply(snapshot);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRefused(logger, e, snapshot.Version, proxy.Snapshot.Version);
            Refusal = new ProxyConnection(false, "SnapshotRejected",
                $"The data plane refused config version {snapshot.Version}: {e.GetType().Name}: {e.Message}. It serves version {proxy.Snapshot.Version}.", _appliedAt);
            Changed?.Invoke();
            return;
        }

        _appliedAt = time.GetUtcNow();
        if (Refusal is not null)
        {
            Refusal = null;
            Changed?.Invoke();
        }
    }

    [LoggerMessage(EventId = 6510, Level = LogLevel.Error, Message = "The data plane could not apply config version {Version}; version {Serving} stays live")]
    private static partial void LogRefused(ILogger logger, Exception exception, long version, long serving);
}
