// SPDX-License-Identifier: Apache-2.0
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace Gateway.Kubernetes;

/// <summary>
/// Holds the status-writing lease. Every replica serves traffic; only the holder of the Lease writes status.
/// With leader election off (a single replica) this replica always leads.
/// </summary>
public sealed partial class LeaderElectionService(
    IKubernetes client, LeaderElectionOptions options, ILogger<LeaderElectionService> logger) : BackgroundService
{
    private volatile bool _isLeader = !options.Enabled;

    /// <summary>Raised with true when this replica starts leading and false when it stops.</summary>
    public event Action<bool>? LeadershipChanged;

    public bool IsLeader => _isLeader;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            LeadershipChanged?.Invoke(true);
            return;
        }

        var leaseLock = new LeaseLock(client, options.Namespace, options.LeaseName, options.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        elector.OnStartedLeading += () => SetLeader(true);
        elector.OnStoppedLeading += () => SetLeader(false);
        try
        {
            await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void SetLeader(bool leading)
    {
        _isLeader = leading;
        LogLeadership(logger, options.Identity, options.Namespace, options.LeaseName, leading);
        LeadershipChanged?.Invoke(leading);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "{Identity} leads status writing for Lease {Namespace}/{Lease}: {Leading}")]
    private static partial void LogLeadership(ILogger logger, string identity, string @namespace, string lease, bool leading);
}

/// <summary>Leader election flags (startup only).</summary>
public sealed class LeaderElectionOptions
{
    public bool Enabled { get; set; } = true;
    public string Namespace { get; set; } = "gateway-system";
    public string LeaseName { get; set; } = "gateway-status-writer";
    public string Identity { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
