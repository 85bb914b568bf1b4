// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Gateway.Model;
using k8s;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Reads the gateway's kinds from the Kubernetes API: one list/watch informer per kind. The first snapshot is published
/// once every informer has listed; after that every change is published, debounced so a burst becomes one snapshot.
/// While the API server is unreachable the stores keep their last contents, so the last snapshot stays in force.
/// </summary>
public sealed partial class KubernetesSource : IResourceSource, IDisposable
{
    private readonly k8s.Kubernetes _client;
    private readonly ILogger _logger;
    private readonly KubernetesSourceOptions _options;
    private readonly SemaphoreSlim _changed = new(0);
    private readonly List<Informer> _informers;
    private long _version;

    public KubernetesSource(KubernetesClientConfiguration configuration, ILogger<KubernetesSource> logger, KubernetesSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _client = new k8s.Kubernetes(configuration);
        _logger = logger;
        _options = options ?? new KubernetesSourceOptions();
        var credentials = _client.Credentials;
        Func<HttpRequestMessage, CancellationToken, Task> authorize = credentials is null
            ? (_, _) => Task.CompletedTask
            : credentials.ProcessHttpRequestAsync;
        _informers = [.. ResourceKind.All.Select(kind =>
            new Informer(kind, _client.HttpClient, _client.BaseUri, authorize, _options, logger, OnChanged))];
    }

    /// <summary>Informers that are failing now, as "Kind: last error"; empty when healthy.</summary>
    public IReadOnlyList<string> Problems =>
        [.. _informers.Where(i => i.LastError is not null).Select(i => $"Kubernetes {i.Kind.Kind}: {i.LastError}"),
         .. _informers.SelectMany(i => i.BadObjects.Select(b => $"Kubernetes {i.Kind.Kind} {b}"))];

    /// <summary>True once every informer has listed its kind at least once.</summary>
    public bool Synced => _informers.All(i => i.Synced);

    public async Task RunAsync(Func<ResourceSnapshot, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = _informers.Select(i => Task.Run(() => i.RunAsync(stop.Token), CancellationToken.None)).ToList();
        LogStarting(_logger, _client.BaseUri.ToString(), _options.Namespace ?? "(all)");
        try
        {
            var published = -1L;
            var waitingLogged = false;
            while (!cancellationToken.IsCancellationRequested)
            {
                await _changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                // Let a burst settle: wait for a quiet debounce period, but never longer than 20 of them.
                var settle = Stopwatch.StartNew();
                while (settle.Elapsed < 20 * _options.Debounce && await _changed.WaitAsync(_options.Debounce, cancellationToken).ConfigureAwait(false))
                {
                }

                if (!Synced)
                {
                    if (!waitingLogged && _informers.Count(i => i.Synced) > 0)
                    {
                        waitingLogged = true;
                        LogWaiting(_logger, string.Join(", ", _informers.Where(i => !i.Synced).Select(i => i.Kind.Kind)));
                    }

                    continue;
                }

                var version = Interlocked.Read(ref _version);
                if (version == published)
                {
                    continue;
                }

                published = version;
                await publish(Assemble(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    private void OnChanged()
    {
        Interlocked.Increment(ref _version);
        _changed.Release();
    }

    private ResourceSnapshot Assemble()
    {
        var objects = _informers.SelectMany(i => i.Objects())
            .OrderBy(o => o.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(o => o.Key.Name, StringComparer.Ordinal)
            .ToList();
        return ResourceSnapshot.FromObjects(objects);
    }

    public void Dispose()
    {
        _client.Dispose();
        _changed.Dispose();
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Watching Kubernetes API {Server}, namespace {Namespace}")]
    private static partial void LogStarting(ILogger logger, string server, string @namespace);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Waiting for the first list of: {Kinds}")]
    private static partial void LogWaiting(ILogger logger, string kinds);
}
