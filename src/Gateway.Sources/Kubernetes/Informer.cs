// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Model.Meta;
using Gateway.Sources.Files;
using Microsoft.Extensions.Logging;

namespace Gateway.Sources.Kubernetes;

/// <summary>
/// Lists one kind, then watches it from the list's resourceVersion, keeping the objects in a store keyed by
/// namespace/name. An object is replaced only when an event for it arrives (or a relist finds a new resourceVersion),
/// so unchanged objects stay the same instances. A 410 relists; other failures retry with exponential backoff.
/// </summary>
internal sealed partial class Informer
{
    private readonly ResourceKind _kind;
    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private readonly Func<HttpRequestMessage, CancellationToken, Task> _authorize;
    private readonly KubernetesSourceOptions _options;
    private readonly ILogger _logger;
    private readonly Action _changed;
    private readonly Lock _lock = new();
    private Dictionary<NamespacedName, KubernetesObject> _store = [];
    private volatile bool _synced;
    private volatile string? _lastError;
    private bool _reportedMissing;

    public Informer(ResourceKind kind, HttpClient http, Uri baseUri, Func<HttpRequestMessage, CancellationToken, Task> authorize,
        KubernetesSourceOptions options, ILogger logger, Action changed)
    {
        _kind = kind;
        _http = http;
        _baseUri = baseUri;
        _authorize = authorize;
        _options = options;
        _logger = logger;
        _changed = changed;
    }

    public ResourceKind Kind => _kind;

    /// <summary>True once the first list has succeeded (or an optional kind was found absent).</summary>
    public bool Synced => _synced;

    /// <summary>The last failure, or null while healthy.</summary>
    public string? LastError => _lastError;

    public IReadOnlyList<KubernetesObject> Objects()
    {
        lock (_lock)
        {
            return [.. _store.Values];
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        string? resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
                    if (resourceVersion is null)
                    {
                        // An optional kind whose CRD is absent: nothing to watch; look again later.
                        failures = 0;
                        await Task.Delay(_options.MissingKindRetry, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    failures = 0;
                }

                resourceVersion = await WatchAsync(resourceVersion, () => failures = 0, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Any failure (network, HTTP status, a malformed object) retries: the informer must never stop.
                failures++;
                var error = e is OperationCanceledException ? "request timed out" : e.Message;
                if (_lastError is null)
                {
                    LogFailing(_logger, _kind.Kind, error);
                }
                else
                {
                    LogStillFailing(_logger, _kind.Kind, failures, error);
                }

                _lastError = error;
                try
                {
                    await Task.Delay(Backoff(failures), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var ceiling = Math.Min(_options.MaxBackoff.TotalMilliseconds,
            _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        // Full jitter on the upper half: between ceiling/2 and ceiling.
        return TimeSpan.FromMilliseconds(ceiling / 2 + (Random.Shared.NextDouble() * ceiling / 2));
    }

    /// <summary>Lists the kind and replaces the store; returns the list's resourceVersion, or null when an optional kind is absent.</summary>
    private async Task<string?> ListAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(watchFrom: null));
        await _authorize(request, cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && _kind.Optional)
        {
            if (!_reportedMissing)
            {
                _reportedMissing = true;
                LogKindMissing(_logger, _kind.Kind, _kind.ApiVersion);
            }

            var emptied = Replace([]);
            _lastError = null;
            MarkSynced(emptied);
            return null;
        }

        await EnsureSuccessAsync(response, timeout.Token).ConfigureAwait(false);
        var body = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false),
            cancellationToken: timeout.Token).ConfigureAwait(false) as JsonObject ?? throw new JsonException("list response is not an object");
        var items = (body["items"] as JsonArray ?? []).OfType<JsonObject>().Select(TryDecode).OfType<KubernetesObject>().ToList();
        var resourceVersion = body["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";
        var changed = Replace(items);
        if (_lastError is not null || _reportedMissing)
        {
            LogRecovered(_logger, _kind.Kind, items.Count);
        }

        _reportedMissing = false;
        _lastError = null;
        MarkSynced(changed);
        return resourceVersion;
    }

    /// <summary>Watches until the stream ends; returns the resourceVersion to continue from, or null to relist (410).</summary>
    private async Task<string?> WatchAsync(string resourceVersion, Action connected, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(watchFrom: resourceVersion));
        await _authorize(request, cancellationToken).ConfigureAwait(false);
        using var watchLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The server ends the watch after timeoutSeconds; the client gives up a while later in case the server never does.
        watchLimit.CancelAfter(2 * _options.WatchTimeout + TimeSpan.FromSeconds(30));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, watchLimit.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Gone)
        {
            LogExpired(_logger, _kind.Kind);
            return null;
        }

        if (response.StatusCode == HttpStatusCode.NotFound && _kind.Optional)
        {
            return null; // The CRD went away: relist, which treats the kind as absent.
        }

        await EnsureSuccessAsync(response, watchLimit.Token).ConfigureAwait(false);
        if (_lastError is not null)
        {
            LogRecovered(_logger, _kind.Kind, Count());
            _lastError = null;
        }

        connected();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(watchLimit.Token).ConfigureAwait(false));
        while (await reader.ReadLineAsync(watchLimit.Token).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var message = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("watch event is not an object");
            var type = message["type"]?.GetValue<string>();
            var obj = message["object"] as JsonObject ?? throw new JsonException("watch event has no object");
            switch (type)
            {
                case "ADDED" or "MODIFIED":
                {
                    // An object we cannot read is skipped (its last good version stays) rather than failing the watch,
                    // which would only bring the same event back.
                    var decoded = TryDecode(obj);
                    if (decoded is not null)
                    {
                        Put(decoded);
                    }

                    resourceVersion = obj["metadata"]?["resourceVersion"] is JsonValue rv && rv.TryGetValue<string>(out var v) ? v : resourceVersion;
                    break;
                }

                case "DELETED":
                {
                    var metadata = obj["metadata"] as JsonObject;
                    var name = Text(metadata?["name"]);
                    var ns = Text(metadata?["namespace"]);
                    Forgive($"{ns}/{name}".TrimStart('/'));
                    Remove(new NamespacedName(ns, name));
                    resourceVersion = Text(metadata?["resourceVersion"]) is { Length: > 0 } deletedAt ? deletedAt : resourceVersion;
                    break;
                }

                case "BOOKMARK":
                    resourceVersion = obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? resourceVersion;
                    break;
                case "ERROR":
                    var code = obj["code"]?.GetValue<int>();
                    if (code == 410)
                    {
                        LogExpired(_logger, _kind.Kind);
                        return null;
                    }

                    throw new KubernetesApiException(code ?? 0, obj["message"]?.GetValue<string>() ?? "watch error");
                default:
                    throw new JsonException($"unknown watch event type {type}");
            }
        }

        return resourceVersion;
    }

    private Uri Url(string? watchFrom)
    {
        var query = new List<string>();
        if (_kind.FieldSelectorFor(_options.Namespace) is { } fields)
        {
            query.Add($"fieldSelector={Uri.EscapeDataString(fields)}");
        }

        if (watchFrom is not null)
        {
            var seconds = Math.Max(1, (int)_options.WatchTimeout.TotalSeconds);
            seconds += Random.Shared.Next(0, seconds + 1); // Spread reconnects of the many informers.
            query.Add("watch=true");
            query.Add("allowWatchBookmarks=true");
            query.Add($"resourceVersion={Uri.EscapeDataString(watchFrom)}");
            query.Add(string.Create(CultureInfo.InvariantCulture, $"timeoutSeconds={seconds}"));
        }

        var path = _kind.CollectionPath(_kind.Namespaced ? _options.Namespace : null);
        return new Uri(_baseUri, query.Count == 0 ? path : $"{path}?{string.Join('&', query)}");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? message = null;
        try
        {
            var status = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
            message = status?["message"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            // Not a Status object: report the code alone.
        }

        throw new KubernetesApiException((int)response.StatusCode, message ?? response.ReasonPhrase ?? "request failed");
    }

    /// <summary>Objects the API served that we could not read, as "namespace/name: reason" (for /status).</summary>
    public IReadOnlyList<string> BadObjects
    {
        get
        {
            lock (_lock)
            {
                return [.. _bad.Select(b => $"{b.Key}: {b.Value}")];
            }
        }
    }

    private readonly Dictionary<string, string> _bad = new(StringComparer.Ordinal);

    /// <summary>Decodes an object, or records why it cannot be read and returns null; never throws for its content.</summary>
    private KubernetesObject? TryDecode(JsonObject node)
    {
        var metadata = node["metadata"] as JsonObject;
        var key = $"{Text(metadata?["namespace"])}/{Text(metadata?["name"])}".TrimStart('/');
        string? problem;
        try
        {
            problem = JsonNulls.RemoveNullFields(node) is { } nullEntry ? $"{nullEntry} is an empty list entry" : null;
            if (problem is null)
            {
                var decoded = Decode(node);
                if (decoded.Metadata is { Name.Length: > 0 })
                {
                    Forgive(key);
                    return decoded;
                }

                problem = "no metadata.name";
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or ArgumentException or FormatException)
        {
            problem = e.Message;
        }

        bool added;
        lock (_lock)
        {
            added = !_bad.TryGetValue(key, out var known) || known != problem;
            _bad[key] = problem;
        }

        if (added)
        {
            LogBadObject(_logger, _kind.Kind, key, problem);
        }

        return null;
    }

    private void Forgive(string key)
    {
        lock (_lock)
        {
            _bad.Remove(key);
        }
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    /// <summary>Reads an object into our model; list items come without apiVersion and kind, so they are filled in.</summary>
    private KubernetesObject Decode(JsonObject node)
    {
        if (node["kind"] is null)
        {
            node["kind"] = _kind.Kind;
        }

        if (node["apiVersion"] is null)
        {
            node["apiVersion"] = _kind.ApiVersion;
        }

        return (KubernetesObject)(node.Deserialize(_kind.Type, ManifestLoader.JsonOptions) ?? throw new JsonException("empty object"));
    }

    /// <summary>Signals a change when the store changed or on the first sync (which may unblock the first snapshot).</summary>
    private void MarkSynced(bool changed)
    {
        if (changed || !_synced)
        {
            _synced = true;
            _changed();
        }
    }

    private int Count()
    {
        lock (_lock)
        {
            return _store.Count;
        }
    }

    /// <summary>Replaces the store after a list, keeping the old instance of every object whose resourceVersion is unchanged.</summary>
    /// <returns>Whether any object was added, replaced or removed.</returns>
    private bool Replace(IReadOnlyList<KubernetesObject> items)
    {
        lock (_lock)
        {
            var changed = false;
            var next = new Dictionary<NamespacedName, KubernetesObject>(items.Count);
            foreach (var item in items)
            {
                if (_store.TryGetValue(item.Key, out var old) && Same(old, item))
                {
                    next[item.Key] = old;
                }
                else
                {
                    next[item.Key] = item;
                    changed = true;
                }
            }

            changed |= next.Count != _store.Count || _store.Keys.Any(k => !next.ContainsKey(k));
            _store = next;
            return changed;
        }
    }

    private void Put(KubernetesObject obj)
    {
        lock (_lock)
        {
            if (_store.TryGetValue(obj.Key, out var old) && Same(old, obj))
            {
                return;
            }

            _store[obj.Key] = obj;
        }

        _changed();
    }

    private void Remove(NamespacedName key)
    {
        lock (_lock)
        {
            if (!_store.Remove(key))
            {
                return;
            }
        }

        _changed();
    }

    private static bool Same(KubernetesObject a, KubernetesObject b) =>
        a.Metadata.ResourceVersion is { } rv && rv == b.Metadata.ResourceVersion && a.Metadata.Uid == b.Metadata.Uid;

    [LoggerMessage(EventId = 6020, Level = LogLevel.Error, Message = "Kubernetes {Kind} {Key} cannot be read and is skipped (its last good version stays): {Problem}")]
    private static partial void LogBadObject(ILogger logger, string kind, string key, string problem);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Kubernetes {Kind}: list/watch failing, retrying with backoff: {Error}")]
    private static partial void LogFailing(ILogger logger, string kind, string error);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Kubernetes {Kind}: still failing after {Failures} attempts: {Error}")]
    private static partial void LogStillFailing(ILogger logger, string kind, int failures, string error);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Kubernetes {Kind}: connected again ({Count} objects)")]
    private static partial void LogRecovered(ILogger logger, string kind, int count);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Kubernetes {Kind} ({ApiVersion}) is not served (CRD not installed); treating it as empty and checking again later")]
    private static partial void LogKindMissing(ILogger logger, string kind, string apiVersion);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Debug, Message = "Kubernetes {Kind}: watch resourceVersion expired (410); relisting")]
    private static partial void LogExpired(ILogger logger, string kind);
}

/// <summary>A non-success answer from the API server (HTTP status or watch ERROR event).</summary>
internal sealed class KubernetesApiException(int statusCode, string message) : Exception($"HTTP {statusCode}: {message}")
{
    public int StatusCode { get; } = statusCode;
}
