// SPDX-License-Identifier: Apache-2.0
using Gateway.Channel.Protocol;
using Gateway.Proxy;
using Gateway.Snapshot;
using Grpc.Core;

namespace Gateway.Channel;

/// <summary>
/// A proxy's end of the config channel: subscribes to the controller, applies every newer snapshot to the proxy
/// state and acknowledges it, and reconnects with backoff when the stream ends. Nothing is torn down while the
/// controller is away: the last good snapshot keeps serving. With --state-dir the proxy starts from the snapshot it
/// saved last time, and saves every one it applies.
/// </summary>
public sealed partial class ConfigChannelClient(
    ConfigChannelOptions options,
    ProxyState proxy,
    SnapshotStateFile state,
    ChannelMetrics metrics,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ConfigChannelClient> logger) : BackgroundService
{
    /// <summary>What a proxy that serves nothing yet acknowledges.</summary>
    private static readonly ChannelPosition _nothing = new("", 0);

    private ChannelPosition? _serving;

    /// <summary>The last snapshot this proxy refused, so that the same one sent again is refused without another try.</summary>
    private Rejection? _rejected;

    /// <summary>True once the proxy gave up after --channel-max-retries and asked the host to stop.</summary>
    public bool GaveUp { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var address = options.ControllerAddress ?? throw new InvalidOperationException("a proxy needs --controller-address");
        using var channel = ChannelTransport.Connect(options);
        var client = new ConfigChannel.ConfigChannelClient(channel);
        var backoff = new Backoff(options.RetryBackoff, options.MaxBackoff, Random.Shared);
        var failures = 0;
        Restore();
        while (!stoppingToken.IsCancellationRequested)
        {
            var connected = false;
            string why;
            try
            {
                using var call = client.Subscribe(new SubscribeRequest { NodeId = options.NodeId, Session = _serving?.Session ?? "", Version = _serving?.Version ?? 0 },
                    cancellationToken: stoppingToken);
                await call.ResponseHeadersAsync.ConfigureAwait(false);
                connected = true;
                failures = 0;
                metrics.SetConnected(true);
                LogConnected(logger, address, _serving?.ToString() ?? "nothing yet");
                if (_serving is { } serving)
                {
                    await AckAsync(client, serving, stoppingToken).ConfigureAwait(false);
                }

                await foreach (var message in call.ResponseStream.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                {
                    await ReceiveAsync(client, message, stoppingToken).ConfigureAwait(false);
                }

                why = "the controller ended the stream";
            }
            catch (RpcException e) when (!stoppingToken.IsCancellationRequested)
            {
                why = e.Status.Detail is { Length: > 0 } detail ? $"{e.StatusCode}: {detail}" : e.StatusCode.ToString();
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException && stoppingToken.IsCancellationRequested)
            {
                break; // Shutting down.
            }

            if (connected)
            {
                metrics.SetConnected(false);
                LogDisconnected(logger, address, why);
            }

            failures++;
            if (options.MaxRetries > 0 && failures > options.MaxRetries)
            {
                // Giving up is for a supervisor to see: the process exits non-zero so it restarts or replaces this proxy.
                LogGaveUp(logger, address, options.MaxRetries);
                GaveUp = true;
                lifetime.StopApplication();
                return;
            }

            var delay = backoff.Delay(failures - 1);
            LogRetrying(logger, address, why, delay.TotalMilliseconds, failures);
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Serves the snapshot saved by the last run (if any) until the controller sends one.</summary>
    private void Restore()
    {
        if (state.Load() is not { } restored)
        {
            return;
        }

        try
        {
            proxy.Apply(restored.Snapshot);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRestoreFailed(logger, e, restored.Position.ToString());
            return;
        }

        // Without the private keys the state is not the whole snapshot: claiming its position would let the
        // controller skip resending it, and the HTTPS listeners would wait for keys forever.
        _serving = restored.WithheldTlsListeners == 0 ? restored.Position : null;
        LogRestored(logger, restored.Position.ToString(), restored.Snapshot.Listeners.Length, restored.WithheldTlsListeners);
    }

    private async Task ReceiveAsync(ConfigChannel.ConfigChannelClient client, SnapshotMessage message, CancellationToken cancellationToken)
    {
        var received = new ChannelPosition(message.Session, message.Version);
        if (_serving is { } serving && !received.Supersedes(serving))
        {
            metrics.RecordSnapshot("stale", received.Version);
            LogStale(logger, received.ToString(), serving.ToString());
            await AckAsync(client, serving, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_rejected is { } rejected && rejected.Position == received)
        {
            // Sent again after a reconnect: it has not changed, so neither has the answer.
            await AckAsync(client, _serving ?? _nothing, cancellationToken).ConfigureAwait(false);
            return;
        }

        ProxySnapshot snapshot;
        try
        {
            snapshot = SnapshotJson.Deserialize(message.SnapshotJson.Span) with { Version = message.Version };
            proxy.Apply(snapshot);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A snapshot this proxy cannot read or apply must not take it down: keep serving the last good one.
            metrics.RecordSnapshot("failed", received.Version);
            LogApplyFailed(logger, e, received.ToString());
            _rejected = new Rejection(received, Rejection.Describe(e));
            await AckAsync(client, _serving ?? _nothing, cancellationToken).ConfigureAwait(false);
            return;
        }

        _serving = received;
        _rejected = null;
        metrics.RecordSnapshot("applied", received.Version);
        LogApplied(logger, received.ToString(), message.SnapshotJson.Length);
        await AckAsync(client, received, cancellationToken).ConfigureAwait(false);
        state.Save(received, snapshot);
    }

    /// <summary>
    /// Reports what the proxy serves, and the snapshot it refused if any. Best effort: a lost acknowledgement only
    /// delays the controller's status; the next one corrects it.
    /// </summary>
    private async Task AckAsync(ConfigChannel.ConfigChannelClient client, ChannelPosition serving, CancellationToken cancellationToken)
    {
        var ack = new AckRequest { NodeId = options.NodeId, Session = serving.Session, Version = serving.Version };
        if (_rejected is { } rejected)
        {
            (ack.Error, ack.RejectedSession, ack.RejectedVersion) = (rejected.Error, rejected.Position.Session, rejected.Position.Version);
        }

        try
        {
            await client.AckAsync(ack, deadline: DateTime.UtcNow + options.ConnectTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            LogAckFailed(logger, e.StatusCode.ToString());
        }
    }

    private sealed record Rejection(ChannelPosition Position, string Error)
    {
        /// <summary>What the controller's status shows: the exception's message, bounded in length.</summary>
        public static string Describe(Exception e)
        {
            var text = $"{e.GetType().Name}: {e.Message}";
            return text.Length <= 400 ? text : text[..400] + "…";
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Config channel connected to {Address}; serving {Serving}")]
    private static partial void LogConnected(ILogger logger, Uri address, string serving);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Config channel to {Address} lost ({Reason}); the last config keeps serving")]
    private static partial void LogDisconnected(ILogger logger, Uri address, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Config channel to {Address} unavailable ({Reason}); retrying in {DelayMs:0} ms (attempt {Attempt})")]
    private static partial void LogRetrying(ILogger logger, Uri address, string reason, double delayMs, int attempt);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "Applied config version {Version} from the controller ({Bytes} bytes)")]
    private static partial void LogApplied(ILogger logger, string version, int bytes);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "Ignored config version {Received}: already serving {Serving}")]
    private static partial void LogStale(ILogger logger, string received, string serving);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Error, Message = "Could not apply config version {Version}; the last good config stays live")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string version);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Debug, Message = "Could not acknowledge to the controller: {Status}")]
    private static partial void LogAckFailed(ILogger logger, string status);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Critical, Message = "Config channel to {Address}: giving up after {MaxRetries} retries")]
    private static partial void LogGaveUp(ILogger logger, Uri address, int maxRetries);

    [LoggerMessage(EventId = 6505, Level = LogLevel.Information,
        Message = "Serving saved config version {Version} until the controller answers: {Listeners} listeners, {Withheld} HTTPS listeners wait for the controller's keys")]
    private static partial void LogRestored(ILogger logger, string version, int listeners, int withheld);

    [LoggerMessage(EventId = 6506, Level = LogLevel.Warning, Message = "Could not apply saved config version {Version}; waiting for the controller")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception, string version);
}
