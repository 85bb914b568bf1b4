// SPDX-License-Identifier: Apache-2.0
using Gateway.Status;

namespace Gateway.Kubernetes;

/// <summary>
/// Runs the status writer while this replica leads: after each status change (batched over a short window, so a
/// burst of 1,000 route changes is one pass) and periodically, to repair status that someone else changed.
/// </summary>
public sealed partial class StatusWriterService(
    StatusWriter writer, StatusStore store, LeaderElectionService leadership, ILogger<StatusWriterService> logger) : BackgroundService
{
    private static readonly TimeSpan _batchWindow = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan _resync = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _wake = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        store.Changed += Wake;
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

                var patched = await writer.WriteAsync(stoppingToken).ConfigureAwait(false);
                if (patched > 0)
                {
                    LogWritten(logger, patched);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            store.Changed -= Wake;
            leadership.LeadershipChanged -= OnLeadershipChanged;
        }
    }

    private void OnLeadershipChanged(bool leading)
    {
        writer.Reset(); // A new leader checks every object once.
        Wake();
    }

    private void Wake() => _wake.Release();

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Wrote the status of {Count} objects")]
    private static partial void LogWritten(ILogger logger, int count);
}
