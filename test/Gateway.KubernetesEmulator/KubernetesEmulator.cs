// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Sources;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.KubernetesEmulator;

/// <summary>How an outage looks to clients.</summary>
public enum OutageMode
{
    /// <summary>Every request gets 503 Service Unavailable with a Status body.</summary>
    ServiceUnavailable,

    /// <summary>Every request's connection is dropped without a response.</summary>
    DropConnections,
}

/// <summary>Settings of a <see cref="KubernetesEmulator"/>.</summary>
public sealed class KubernetesEmulatorOptions
{
    /// <summary>How many events the watch history keeps; a watch from before them gets 410 Expired.</summary>
    public int HistoryLimit { get; init; } = 1000;

    /// <summary>How often a watch that allows bookmarks gets one.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// An in-memory Kubernetes API server for tests: discovery, CRDs, CRUD with optimistic concurrency, patches, the status
/// subresource and watches, over plain HTTP on 127.0.0.1, with faults that tests can inject.
/// </summary>
public sealed class KubernetesEmulator : IAsyncDisposable
{
    private readonly KubernetesEmulatorOptions _options;
    private readonly ObjectStore _store;
    private readonly ApiHandler _handler;
    private readonly List<FaultRule> _faults = [];
    private readonly ConcurrentQueue<string> _requestLog = new();
    private WebApplication? _app;
    private int _outage = -1;

    public KubernetesEmulator(KubernetesEmulatorOptions? options = null)
    {
        _options = options ?? new KubernetesEmulatorOptions();
        _store = new ObjectStore(_options.HistoryLimit);
        _handler = new ApiHandler(_store, () => _options.BookmarkInterval);
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c>; set by <see cref="StartAsync"/>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The newest resource version.</summary>
    public long ResourceVersion => _store.ResourceVersion;

    /// <summary>How many watches are open now.</summary>
    public int OpenWatchCount => _store.WatchCount;

    /// <summary>The last requests, newest last, as <c>METHOD /path?query [Accept: ...] [Content-Type: ...]</c>.</summary>
    public IReadOnlyList<string> RequestLog => [.. _requestLog];

    public KubernetesEmulatorOptions Options => _options;

    public async Task StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync(cancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>
    /// Writes a kubeconfig whose only context points at this server. The emulator does no authentication; the user has a
    /// dummy token only because KubernetesClient rejects a kubeconfig user without credentials.
    /// </summary>
    public void WriteKubeconfig(string path)
    {
        var server = BaseAddress.GetLeftPart(UriPartial.Authority);
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: emulator
              cluster:
                server: {server}
            contexts:
            - name: emulator
              context:
                cluster: emulator
                user: emulator
                namespace: default
            current-context: emulator
            preferences: {"{}"}
            users:
            - name: emulator
              user:
                token: emulator-ignores-this

            """);
    }

    /// <summary>
    /// Serves a kind as if its CRD were installed, but with no schema: objects are stored as sent, without the defaults a
    /// CRD's schema fills in (load the CRD for those). The resource name is the kind's plural in lower case.
    /// </summary>
    public void ServeKind(string apiVersion, string kind, bool namespaced, bool hasStatus)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var singular = kind.ToLowerInvariant();
        var plural = singular.EndsWith('s') ? singular + "es"
            : singular.EndsWith('y') && !"aeiou".Contains(singular[^2], StringComparison.Ordinal) ? singular[..^1] + "ies"
            : singular + "s";
        _store.Serve(new ResourceType(slash < 0 ? "" : apiVersion[..slash], apiVersion[(slash + 1)..], plural, singular, kind,
            namespaced, hasStatus, [], IsCustom: true));
    }

    /// <summary>
    /// Serves the Gateway API kinds the gateway reads (<see cref="KnownKinds"/>) as <see cref="ServeKind"/> does: the upstream
    /// CRD bundle's part that the gateway needs, without its schemas. Our own ProxyConfig comes from its CRD in deploy/.
    /// </summary>
    public void ServeGatewayApiKinds()
    {
        foreach (var (apiVersion, kind, _) in KnownKinds.All.Where(k => k.ApiVersion.StartsWith("gateway.networking.k8s.io/", StringComparison.Ordinal)))
        {
            // Every Gateway API CRD has a status subresource but ReferenceGrant's (the model reads not every status).
            ServeKind(apiVersion, kind, KnownKinds.IsNamespaced(kind), hasStatus: kind != "ReferenceGrant");
        }
    }

    /// <summary>Creates every object of a multi-document YAML file (CRDs register their kinds); existing objects are replaced.</summary>
    public void LoadYamlFile(string path) => LoadYaml(File.ReadAllText(path));

    /// <inheritdoc cref="LoadYamlFile"/>
    public void LoadYaml(string yaml)
    {
        foreach (var obj in Yaml.ReadDocuments(yaml))
        {
            Apply(obj);
        }
    }

    /// <summary>Creates an object, or replaces the one of that name; returns what the server stored.</summary>
    public JsonObject Apply(JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]?.ToString() ?? "";
        var kind = obj["kind"]?.ToString() ?? "";
        var type = _store.FindByKind(apiVersion, kind) ?? throw new InvalidOperationException($"no resource for {apiVersion} {kind}");
        var ns = type.Namespaced ? obj["metadata"]?["namespace"]?.ToString() is { Length: > 0 } n ? n : "default" : null;
        var name = obj["metadata"]?["name"]?.ToString() ?? "";
        try
        {
            return _store.Create(type, ns, obj);
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            var copy = (JsonObject)obj.DeepClone();
            (copy["metadata"] as JsonObject)?.Remove("resourceVersion");
            var updated = _store.Update(type, ns, name, copy, statusOnly: false);
            return copy["status"] is null || !type.HasStatus ? updated : _store.Update(type, ns, name, copy, statusOnly: true);
        }
    }

    /// <summary>Ends every open watch: gracefully (the stream ends) or by dropping the connection.</summary>
    public void DropWatches(bool abortConnections = false) => _store.DropWatches(abortConnections);

    /// <summary>Makes the next <paramref name="count"/> requests (that match <paramref name="when"/>, if given) fail with <paramref name="statusCode"/>.</summary>
    public void FailRequests(int count, int statusCode = 500, Func<HttpRequest, bool>? when = null)
    {
        lock (_faults)
        {
            _faults.Add(new FaultRule { Remaining = count, StatusCode = statusCode, When = when });
        }
    }

    /// <summary>Removes all pending injected failures.</summary>
    public void ClearFaults()
    {
        lock (_faults)
        {
            _faults.Clear();
        }
    }

    /// <summary>Starts an outage: every request fails (and open watches end) until <see cref="EndOutage"/>.</summary>
    public void BeginOutage(OutageMode mode = OutageMode.ServiceUnavailable)
    {
        Volatile.Write(ref _outage, (int)mode);
        _store.DropWatches(abortConnections: mode == OutageMode.DropConnections);
    }

    /// <summary>Ends an outage.</summary>
    public void EndOutage() => Volatile.Write(ref _outage, -1);

    /// <summary>Forgets the watch history, so a watch from any earlier resource version gets 410 Expired.</summary>
    public void CompactHistory() => _store.Compact();

    public async ValueTask DisposeAsync()
    {
        _store.DropWatches(abortConnections: true);
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        _requestLog.Enqueue(string.Create(CultureInfo.InvariantCulture,
            $"{request.Method} {request.Path}{request.QueryString} [Accept: {request.Headers.Accept}] [Content-Type: {request.ContentType}]"));
        while (_requestLog.Count > 2000)
        {
            _requestLog.TryDequeue(out _);
        }

        var outage = Volatile.Read(ref _outage);
        if (outage == (int)OutageMode.DropConnections)
        {
            context.Abort();
            return;
        }

        if (outage == (int)OutageMode.ServiceUnavailable)
        {
            await ApiHandler.WriteJsonAsync(context, 503, ApiException.Status(503, "ServiceUnavailable", "the emulator is in an injected outage"));
            return;
        }

        int? failWith = null;
        lock (_faults)
        {
            var rule = _faults.FirstOrDefault(f => f.Remaining > 0 && (f.When is null || f.When(request)));
            if (rule is not null)
            {
                rule.Remaining--;
                failWith = rule.StatusCode;
                _faults.RemoveAll(f => f.Remaining <= 0);
            }
        }

        if (failWith is { } code)
        {
            await ApiHandler.WriteJsonAsync(context, code, ApiException.Status(code, code == 500 ? "InternalError" : "InjectedFault", "an injected failure"));
            return;
        }

        await _handler.HandleAsync(context);
    }

    private sealed class FaultRule
    {
        public int Remaining { get; set; }

        public int StatusCode { get; init; }

        public Func<HttpRequest, bool>? When { get; init; }
    }
}
