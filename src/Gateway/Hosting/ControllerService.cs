// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Gateway.Channel;
using Gateway.Kubernetes;
using Gateway.Model;
using Gateway.Sources;
using Gateway.Status;
using Gateway.Translation;

namespace Gateway.Hosting;

/// <summary>
/// The control loop: every snapshot from the source is translated, the proxy snapshot is published with a new
/// version (to the in-process data plane or the config channel) and the statuses go to the status store.
/// </summary>
public sealed partial class ControllerService(
    IResourceSource source,
    TranslatorOptions translatorOptions,
    SnapshotFeed feed,
    StatusStore statuses,
    GatewayServiceStore gatewayServices,
    ControlPlaneMetrics metrics,
    ILogger<ControllerService> logger) : BackgroundService
{
    private readonly TranslationCache _cache = new();
    private long _version;

    private static readonly TimeSpan _maxRestartDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The boundary around the source: whatever it throws, the last good snapshot keeps serving and the source is
        // started again with backoff, so no input can end the process (an exception here would stop the host).
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await source.RunAsync(PublishAsync, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(_maxRestartDelay.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures - 1, 16))));
                LogSourceFailed(logger, delay.TotalSeconds, e);
                try
                {
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private Task PublishAsync(ResourceSnapshot resources, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = Translator.Translate(resources, translatorOptions, _cache);
            metrics.SetObjectCounts(resources.CountByKind());
            statuses.Update(result.Statuses);
            gatewayServices.Update(result.Services, resources.Services);

            // Sources publish only when their input changed, so every snapshot is applied; comparing it with the
            // live one first would cost more (a full serialisation at 10,000 routes) than compiling it.
            var snapshot = result.Snapshot with { Version = ++_version };
            feed.Publish(snapshot);
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.RecordApply("applied", elapsed);
            LogApplied(logger, snapshot.Version, snapshot.Listeners.Length, snapshot.Clusters.Length, elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A translator bug must not take the data plane down: keep serving the last good snapshot.
            metrics.RecordApply("failed", Stopwatch.GetElapsedTime(started));
            LogFailed(logger, e);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Published config version {Version}: {Listeners} listeners, {Clusters} clusters in {ElapsedMs:0.0} ms")]
    private static partial void LogApplied(ILogger logger, long version, int listeners, int clusters, double elapsedMs);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Error, Message = "The config source failed; the last good config stays live and the source restarts in {DelaySeconds:0.0} s")]
    private static partial void LogSourceFailed(ILogger logger, double delaySeconds, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Translation failed; the last good config stays live")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
