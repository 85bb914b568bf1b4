// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Gateway.Cli;
using Gateway.Proxy;
using Gateway.Proxy.Listeners;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>
/// The data plane's stop sequence. /readyz answers 503 from the moment the host is asked to stop (it reads
/// <see cref="IHostApplicationLifetime.ApplicationStopping"/>); this service then keeps every listener accepting and
/// serving for the drain period, so endpoints controllers and load balancers take the replica out before it goes,
/// while the <see cref="ConnectionDrain"/> moves clients off it (<c>Connection: close</c> on HTTP/1.1 responses,
/// idle connections closed, GOAWAY on HTTP/2). Only then it stops Kestrel: no new connections, and requests in flight
/// get until the shutdown timeout before their connections are closed. It runs in
/// <see cref="IHostedLifecycleService.StoppingAsync"/>, which the host calls before any hosted service's StopAsync,
/// the web server's included.
/// </summary>
public sealed partial class GracefulShutdown(
    IServer server,
    ProxyState proxy,
    ConnectionDrain connections,
    GatewayOptions options,
    IOptions<HostOptions> hostOptions,
    TimeProvider time,
    ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    /// <summary>What the host allows the services that stop after Kestrel (the source, the config channel, the lease).</summary>
    private static readonly TimeSpan _afterServer = TimeSpan.FromSeconds(5);

    /// <summary>The drain period: the largest a ProxyConfig of the live snapshot sets, else --drain-period.</summary>
    public TimeSpan DrainPeriod
    {
        get
        {
            TimeSpan? largest = null;
            foreach (var listener in proxy.Snapshot.Listeners)
            {
                if (listener.DrainPeriod is { } period && (largest is null || period > largest))
                {
                    largest = period;
                }
            }

            return largest ?? options.DrainPeriod;
        }
    }

    /// <summary>
    /// True once the stop has begun. A signal raises ApplicationStopping first, but a host stopped in code
    /// (StopAsync) raises it only after this service's StoppingAsync, so /readyz reads this too.
    /// </summary>
    public bool Stopping { get; private set; }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        proxy.Applied += OnApplied;
        OnApplied(proxy.Snapshot);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        Stopping = true;
        proxy.Applied -= OnApplied;
        var drain = DrainPeriod;
        LogDraining(logger, drain.TotalSeconds, options.ShutdownTimeout.TotalSeconds);
        connections.Begin();
        try
        {
            await Task.Delay(drain, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // Kestrel's own graceful stop, with our deadline rather than the host's; the host's later StopAsync of the web
        // server finds it stopped.
        var started = Stopwatch.GetTimestamp();
        LogClosing(logger);
        using var deadline = new CancellationTokenSource(options.ShutdownTimeout, time);
        await server.StopAsync(deadline.Token).ConfigureAwait(false);
        LogClosed(logger, Stopwatch.GetElapsedTime(started).TotalSeconds, deadline.IsCancellationRequested);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The host's shutdown timeout bounds the whole stop, drain included, and the host reads it when the stop begins;
    /// kept equal to the drain period in force plus the shutdown timeout (and a margin for the services after Kestrel).
    /// </summary>
    private void OnApplied(Snapshot.ProxySnapshot snapshot) =>
        hostOptions.Value.ShutdownTimeout = DrainPeriod + options.ShutdownTimeout + _afterServer;

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information,
        Message = "Shutting down: /readyz answers 503; listeners keep serving for the {DrainSeconds:0.###} s drain period while clients are moved off their connections, then requests in flight get {TimeoutSeconds:0.###} s")]
    private static partial void LogDraining(ILogger logger, double drainSeconds, double timeoutSeconds);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Drain period over: listeners stop accepting; open connections close as their requests finish")]
    private static partial void LogClosing(ILogger logger);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Listeners closed after {ElapsedSeconds:0.###} s (deadline reached: {DeadlineReached})")]
    private static partial void LogClosed(ILogger logger, double elapsedSeconds, bool deadlineReached);
}
