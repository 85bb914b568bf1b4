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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await source.RunAsync(PublishAsync, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
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

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Translation failed; the last good config stays live")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
