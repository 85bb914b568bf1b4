// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Kubernetes;

/// <summary>
/// Runs a writer while this replica leads: after each change of what it writes (batched over a short window, so a
/// burst of 1,000 changes is one pass) and periodically, to repair what someone else changed. A new leader
/// starts with a reset, so it checks everything once. One instance per writer (status, per-Gateway Services).
/// </summary>
public sealed partial class LeaderWriterService(
    ILeaderWriter writer, IChangeNotifier changes, LeaderElectionService leadership, ILogger<LeaderWriterService> logger) : BackgroundService
{
    private static readonly TimeSpan _batchWindow = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan _resync = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _wake = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        changes.Changed += Wake;
        leadership.LeadershipChanged += OnLeadershipChanged;

        // One pass at start: ExecuteAsync runs on the thread pool, so a change or a leadership event raised before the
        // handlers above were attached would otherwise wait for the next one, or the 60 s resync.
        Wake();
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(_resync, stoppingToken).ConfigureAwait(false);
                await Task.Delay(_batchWindow, stoppingToken).ConfigureAwait(false);
                while (_wake.CurrentCount > 0)
                {
                    await _wake.WaitAsync(stoppingToken).ConfigureAwait(false);
                }

                if (!leadership.IsLeader)
                {
                    continue;
                }

                try
                {
                    var written = await writer.WriteAsync(stoppingToken).ConfigureAwait(false);
                    if (written > 0)
                    {
                        LogWritten(logger, writer.What, written);
                    }

                    failures = 0;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // The boundary around a writer: a failed pass (an API answer we did not expect, a bug of ours) is
                    // logged and the pass retried with backoff; it never stops the host, and traffic is not affected.
                    failures++;
                    var delay = RetryDelay(failures);
                    LogWriteFailed(logger, writer.What, delay.TotalSeconds, e);
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                    Wake();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            changes.Changed -= Wake;
            leadership.LeadershipChanged -= OnLeadershipChanged;
        }
    }

    private void OnLeadershipChanged(bool leading)
    {
        writer.Reset();
        Wake();
    }

    private void Wake() => _wake.Release();

    /// <summary>1 s, doubling to at most 60 s, with jitter so replicas that failed together do not retry together.</summary>
    internal static TimeSpan RetryDelay(int failures)
    {
        var ceiling = Math.Min(60_000, 1_000 * Math.Pow(2, Math.Min(failures - 1, 16)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + (Random.Shared.NextDouble() * ceiling / 2));
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 6011, Level = LogLevel.Error, Message = "Writing {What} failed; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogWriteFailed(ILogger logger, string what, double delaySeconds, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Wrote {What}: {Count} objects")]
    private static partial void LogWritten(ILogger logger, string what, int count);
}

/// <summary>Something only the leader writes to the API server, in passes.</summary>
public interface ILeaderWriter
{
    /// <summary>What it writes, for the log ("status", "per-Gateway Services").</summary>
    string What { get; }

    /// <summary>One pass; returns how many objects it wrote (failures are the writer's to log).</summary>
    Task<int> WriteAsync(CancellationToken cancellationToken);

    /// <summary>Forget what was written, so the next pass checks everything.</summary>
    void Reset();
}

/// <summary>What a leader-only writer writes from: raises Changed whenever it has something new.</summary>
public interface IChangeNotifier
{
    event Action? Changed;
}
