// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Model.Core;
using Gateway.Translation;
using Gateway.Translation.Addresses;
using k8s;

namespace Gateway.Kubernetes;

/// <summary>
/// Makes the per-Gateway Services in the cluster match what the translator wants: creates missing ones, patches
/// only the fields we own when they differ, and deletes the ones we made whose Gateway is gone. The live side is
/// the source's view of Services, so a pass with nothing to do sends nothing; a write the view has not caught up
/// with yet is not repeated.
/// </summary>
public sealed partial class ServiceWriter(
    IKubernetes client, GatewayServiceStore store, TranslatorOptions options, EventRecorder events, ILogger<ServiceWriter> logger) : ILeaderWriter
{
    // A view that missed our write (the Service came and went within one debounce) must not stall it for ever.
    private static readonly TimeSpan _awaitAtMost = TimeSpan.FromSeconds(10);

    private readonly GatewayServiceOptions _services = options.Services ?? throw new ArgumentException("per-Gateway Services are off", nameof(options));

    // Service name → the resourceVersion we last wrote over ("" for a create) and when: until the view moves past it, wait.
    private readonly Dictionary<string, (string ResourceVersion, long Since)> _awaiting = new(StringComparer.Ordinal);

    // Service name → the failure last reported, so a failure that repeats every pass is logged once.
    private readonly Dictionary<string, string> _failures = new(StringComparer.Ordinal);
    private volatile bool _resetRequested;

    public string What => "per-Gateway Services";

    /// <summary>Forget pending writes and reported failures (a new leader starts afresh).</summary>
    public void Reset() => _resetRequested = true;

    /// <summary>One pass; returns how many Services were created, patched or deleted.</summary>
    public async Task<int> WriteAsync(CancellationToken cancellationToken)
    {
        if (_resetRequested)
        {
            _resetRequested = false;
            _awaiting.Clear();
            _failures.Clear();
        }

        var (desired, observed) = store.Current;
        var live = observed.Where(s => s.Metadata.Namespace == _services.Namespace).ToDictionary(s => s.Metadata.Name, StringComparer.Ordinal);
        var writes = 0;
        foreach (var service in desired)
        {
            var name = service.Metadata.Name;
            var current = live.GetValueOrDefault(name);
            if (Awaiting(name, current))
            {
                continue;
            }

            if (current is null)
            {
                writes += await SendAsync(service, HttpMethod.Post, $"/api/v1/namespaces/{_services.Namespace}/services",
                    GatewayServices.ToJson(service).ToJsonString(), "application/json", awaiting: "", cancellationToken).ConfigureAwait(false);
            }
            else if (!GatewayServices.IsManaged(current, _services, options.ControllerName))
            {
                continue; // Someone else's Service has the name; the Gateway's status says so, and we leave it alone.
            }
            else if (ServicePatch.Between(service, current) is { } patch)
            {
                writes += await SendAsync(service, HttpMethod.Patch, ServicePath(name), patch.ToJsonString(), "application/merge-patch+json",
                    awaiting: current.Metadata.ResourceVersion ?? "", cancellationToken).ConfigureAwait(false);
            }
        }

        var wanted = desired.Select(s => s.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in live.Values.Where(s => !wanted.Contains(s.Metadata.Name) && GatewayServices.IsManaged(s, _services, options.ControllerName)))
        {
            if (!Awaiting(orphan.Metadata.Name, orphan))
            {
                // The uid precondition: never delete a Service of that name made since we looked.
                var preconditions = new JsonObject { ["preconditions"] = new JsonObject { ["uid"] = orphan.Metadata.Uid } };
                writes += await SendAsync(orphan, HttpMethod.Delete, ServicePath(orphan.Metadata.Name), preconditions.ToJsonString(), "application/json",
                    awaiting: orphan.Metadata.ResourceVersion ?? "", cancellationToken).ConfigureAwait(false);
            }
        }

        return writes;
    }

    private string ServicePath(string name) => $"/api/v1/namespaces/{_services.Namespace}/services/{name}";

    /// <summary>True while the view still shows what we wrote over (or no Service, after a create).</summary>
    private bool Awaiting(string name, V1Service? current)
    {
        if (!_awaiting.TryGetValue(name, out var awaited))
        {
            return false;
        }

        if ((current?.Metadata.ResourceVersion ?? "") == awaited.ResourceVersion && Stopwatch.GetElapsedTime(awaited.Since) < _awaitAtMost)
        {
            return true;
        }

        _awaiting.Remove(name);
        return false;
    }

    private async Task<int> SendAsync(V1Service service, HttpMethod method, string path, string body, string contentType, string awaiting, CancellationToken cancellationToken)
    {
        var name = service.Metadata.Name;
        string failure;
        try
        {
            using var response = await ApiRequests.SendAsync(client, method, path, body, contentType, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode || (method == HttpMethod.Delete && response.StatusCode == HttpStatusCode.NotFound))
            {
                _awaiting[name] = (awaiting, Stopwatch.GetTimestamp());
                _failures.Remove(name);
                LogWrote(logger, method.Method, _services.Namespace, name);
                return 1;
            }

            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                return 0; // Our view is behind (it exists already, or changed since): the next view brings another pass.
            }

            failure = $"HTTP {(int)response.StatusCode}: {StatusMessage(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))}";
        }
        catch (HttpRequestException e)
        {
            failure = e.Message;
        }

        if (_failures.GetValueOrDefault(name) != failure)
        {
            _failures[name] = failure;
            LogWriteFailed(logger, method.Method, _services.Namespace, name, failure);
            if (OwningGateway(service) is { } gateway)
            {
                await events.RecordAsync(gateway, warning: true, "ServiceWriteFailed",
                    $"Could not {method.Method} Service {_services.Namespace}/{name}: {failure}", cancellationToken).ConfigureAwait(false);
            }
        }

        return 0;
    }

    /// <summary>The message of a Kubernetes Status body, or the body itself.</summary>
    private static string StatusMessage(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["message"]?.GetValue<string>() ?? body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    /// <summary>The Gateway a Service serves, from its labels, as an Event's involvedObject.</summary>
    private static JsonObject? OwningGateway(V1Service service) =>
        service.Metadata.Labels is { } labels
            && labels.GetValueOrDefault(GatewayServices.GatewayNameLabel) is { } name
            && labels.GetValueOrDefault(GatewayServices.GatewayNamespaceLabel) is { } ns
            ? new JsonObject { ["apiVersion"] = Translator.GatewayApiVersion, ["kind"] = "Gateway", ["name"] = name, ["namespace"] = ns }
            : null;

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "{Method} Service {Namespace}/{Name}")]
    private static partial void LogWrote(ILogger logger, string method, string @namespace, string name);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Could not {Method} Service {Namespace}/{Name}: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string method, string @namespace, string name, string reason);
}
