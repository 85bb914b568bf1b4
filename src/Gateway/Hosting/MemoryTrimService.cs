// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Runtime;
using Gateway.Proxy;

namespace Gateway.Hosting;

/// <summary>
/// Gives memory back once the config has settled. Loading or changing a large config leaves the GC heap holding
/// the garbage of the build (parsed documents, the replaced snapshot) in memory it keeps committed; one compacting
/// collection after the config has been quiet for a while brings the process back to its live size. It runs at
/// most once per quiet period and never more often than <see cref="MinimumInterval"/>, so endpoint churn in a
/// cluster cannot turn it into a steady cost.
/// </summary>
public sealed partial class MemoryTrimService(ProxyState proxy, ILogger<MemoryTrimService> logger) : BackgroundService
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Up to this heap the trim compacts (a pause that grows with the live heap; tens of milliseconds at 10,000
    /// routes); above it the pause would stall requests for too long, and the collection runs in the background.
    /// </summary>
    public const long MaxCompactedHeapBytes = 96L * 1024 * 1024;

    private readonly SemaphoreSlim _applied = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        proxy.Applied += OnApplied;
        try
        {
            long? lastTrim = null;
            while (!stoppingToken.IsCancellationRequested)
            {
                await _applied.WaitAsync(stoppingToken).ConfigureAwait(false);
                while (await _applied.WaitAsync(QuietPeriod, stoppingToken).ConfigureAwait(false))
                {
                    // Still changing: wait for a quiet period.
                }

                if (lastTrim is { } last && MinimumInterval - TimeSpan.FromMilliseconds(Environment.TickCount64 - last) is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, stoppingToken).ConfigureAwait(false);
                }

                Trim();
                lastTrim = Environment.TickCount64;
                while (_applied.CurrentCount > 0 && _applied.Wait(0))
                {
                    // Changes that came during the wait are covered by this trim.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            proxy.Applied -= OnApplied;
        }
    }

    private void OnApplied(Snapshot.ProxySnapshot snapshot) => _applied.Release();

    private void Trim()
    {
        var before = Environment.WorkingSet;
        var started = Stopwatch.GetTimestamp();
        var info = GC.GetGCMemoryInfo();
        if (info.HeapSizeBytes - info.FragmentedBytes <= MaxCompactedHeapBytes)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        else
        {
            // A compacting collection stops every thread for as long as it takes to move the live heap: 2.7 s with
            // 100,000 routes on 2 cores, every request waiting. A background collection frees the build's garbage
            // while requests run; the GC gives the emptied regions back over its next collections.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false, compacting: false);
        }

        LogTrimmed(logger, before / 1024 / 1024, Environment.WorkingSet / 1024 / 1024, GC.GetGCMemoryInfo().HeapSizeBytes / 1024 / 1024,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public override void Dispose()
    {
        _applied.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug,
        Message = "Config settled; memory trimmed from {BeforeMb} MB to {AfterMb} MB resident ({HeapMb} MB GC heap) in {ElapsedMs:0} ms")]
    private static partial void LogTrimmed(ILogger logger, long beforeMb, long afterMb, long heapMb, double elapsedMs);
}
