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

                var written = await writer.WriteAsync(stoppingToken).ConfigureAwait(false);
                if (written > 0)
                {
                    LogWritten(logger, writer.What, written);
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

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

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
