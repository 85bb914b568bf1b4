// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Gateway.KubernetesEmulator;

/// <summary>One change, as a watch reports it.</summary>
internal sealed record WatchEvent(long ResourceVersion, string Type, string StorageKey, string Namespace, JsonObject Object);

/// <summary>An open watch: the events it still has to send, and a way to end it.</summary>
internal sealed class Watcher(string storageKey, string? ns, Selector labels, Selector fields)
{
    public Channel<WatchEvent> Events { get; } = Channel.CreateUnbounded<WatchEvent>();

    public CancellationTokenSource Dropped { get; } = new();

    public bool AbortConnection { get; set; }

    public bool Matches(WatchEvent e) =>
        e.StorageKey == storageKey && (ns is null || e.Namespace == ns) && labels.Matches(e.Object) && fields.Matches(e.Object);
}

/// <summary>
/// All objects, the registered resource types, the global resource version, the bounded event history and the open watches,
/// guarded by one lock. Stored objects are never mutated after they are stored; readers get clones.
/// </summary>
internal sealed class ObjectStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string GroupVersion, string Plural), ResourceType> _types = [];
    private readonly Dictionary<string, string> _preferredVersions = [];
    private readonly Dictionary<string, List<ResourceType>> _crdTypes = [];
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly LinkedList<WatchEvent> _history = new();
    private readonly List<Watcher> _watchers = [];
    private readonly int _historyLimit;
    private long _resourceVersion;
    private long _oldestWatchable;
    private int _nextClusterIp = 10;

    public ObjectStore(int historyLimit)
    {
        _historyLimit = historyLimit;
        foreach (var type in ResourceType.BuiltIns())
        {
            Register(type);
        }

        var namespaces = _types[("v1", "namespaces")];
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Create(namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        }
    }

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    public int WatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    public bool TryGetType(string group, string version, string plural, out ResourceType type)
    {
        lock (_gate)
        {
            return _types.TryGetValue((group.Length == 0 ? version : $"{group}/{version}", plural), out type!);
        }
    }

    public ResourceType? FindByKind(string apiVersion, string kind)
    {
        lock (_gate)
        {
            return _types.Values.FirstOrDefault(t => t.GroupVersion == apiVersion && t.Kind == kind);
        }
    }

    /// <summary>Serves a type without a CRD (so without schema defaults), unless something already serves its kind.</summary>
    public void Serve(ResourceType type)
    {
        lock (_gate)
        {
            if (!_types.Values.Any(t => t.GroupVersion == type.GroupVersion && t.Kind == type.Kind))
            {
                Register(type);
            }
        }
    }

    public List<ResourceType> TypesSnapshot()
    {
        lock (_gate)
        {
            return [.. _types.Values];
        }
    }

    /// <summary>Groups other than core, built-ins first, each with its versions, preferred first.</summary>
    public List<(string Group, List<string> Versions)> Groups()
    {
        lock (_gate)
        {
            return _types.Values.Where(t => t.Group.Length > 0)
                .GroupBy(t => t.Group)
                .Select(g =>
                {
                    var preferred = _preferredVersions.GetValueOrDefault(g.Key);
                    var versions = g.Select(t => t.Version).Distinct().OrderBy(v => v == preferred ? 0 : 1).ToList();
                    return (g.Key, versions);
                })
                .ToList();
        }
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Output(type, Find(type, ns, name) ?? throw ApiException.NotFound(type, name));
        }
    }

    public (List<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? ns, Selector labels, Selector fields)
    {
        lock (_gate)
        {
            var items = Bucket(type).Values
                .Where(o => ns is null || Namespace(o) == ns)
                .Where(o => labels.Matches(o) && fields.Matches(o))
                .Select(o => Output(type, o))
                .ToList();
            return (items, _resourceVersion);
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body)
    {
        lock (_gate)
        {
            var obj = (JsonObject)body.DeepClone();
            if (obj["metadata"] is not JsonObject metadata)
            {
                metadata = [];
                obj["metadata"] = metadata;
            }
            var name = metadata["name"]?.ToString();
            if (string.IsNullOrEmpty(name))
            {
                var prefix = metadata["generateName"]?.ToString();
                if (string.IsNullOrEmpty(prefix))
                {
                    throw ApiException.Invalid(type, "", "metadata.name: Required value: name or generateName is required");
                }

                name = prefix + Guid.NewGuid().ToString("N")[..5];
                metadata["name"] = name;
            }

            if (type.Namespaced)
            {
                var bodyNs = metadata["namespace"]?.ToString();
                if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
                {
                    throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                }

                metadata["namespace"] = ns;
            }
            else
            {
                metadata.Remove("namespace");
            }

            if (Find(type, ns, name) is not null)
            {
                throw ApiException.AlreadyExists(type, name);
            }

            obj["apiVersion"] = type.GroupVersion;
            obj["kind"] = type.Kind;
            if (type.HasStatus)
            {
                obj.Remove("status");
            }

            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = Now();
            metadata.Remove("deletionTimestamp");
            metadata.Remove("deletionGracePeriodSeconds");
            metadata.Remove("resourceVersion");
            metadata.Remove("generation");
            if (obj.ContainsKey("spec") || type.IsCustom)
            {
                metadata["generation"] = 1L;
            }

            PrepareBuiltIn(type, obj);
            ApplyDefaults(obj, type.Schema);
            if (type.StorageKey == CrdKey)
            {
                RegisterCrd(obj);
            }

            Store(type, obj, "ADDED");

            return Output(type, obj);
        }
    }

    public JsonObject Update(ResourceType type, string? ns, string name, JsonObject body, bool statusOnly)
    {
        lock (_gate)
        {
            var bodyName = body["metadata"]?["name"]?.ToString();
            if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
            {
                throw ApiException.BadRequest("the name of the object does not match the name on the URL");
            }

            return UpdateLocked(type, ns, name, body, statusOnly);
        }
    }

    public JsonObject Patch(ResourceType type, string? ns, string name, string contentType, JsonNode? patch, bool statusOnly)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name) ?? throw ApiException.NotFound(type, name);
            var patched = Patches.Apply(contentType, current, patch);
            return UpdateLocked(type, ns, name, patched, statusOnly);
        }
    }

    public JsonObject Delete(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name) ?? throw ApiException.NotFound(type, name);
            if (current["metadata"]?["finalizers"] is JsonArray { Count: > 0 })
            {
                if (current["metadata"]?["deletionTimestamp"] is not null)
                {
                    return Output(type, current);
                }

                var marked = (JsonObject)current.DeepClone();
                marked["metadata"]!["deletionTimestamp"] = Now();
                marked["metadata"]!["deletionGracePeriodSeconds"] = 0;
                Store(type, marked, "MODIFIED");
                return Output(type, marked);
            }

            return Output(type, Remove(type, current));
        }
    }

    public List<JsonObject> DeleteCollection(ResourceType type, string? ns, Selector labels, Selector fields)
    {
        var (items, _) = List(type, ns, labels, fields);
        return items.Select(i => Delete(type, Namespace(i), i["metadata"]!["name"]!.ToString())).ToList();
    }

    /// <summary>
    /// Opens a watch. With a resource version, replays the retained events after it (or reports it expired); without one
    /// (or with "0"), sends the current state as ADDED events. Either way, later changes follow with no gap.
    /// </summary>
    public Watcher? Watch(ResourceType type, string? ns, Selector labels, Selector fields, string? resourceVersion, out bool expired)
    {
        lock (_gate)
        {
            expired = false;
            var watcher = new Watcher(type.StorageKey, ns, labels, fields);
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var obj in Bucket(type).Values.Where(o => ns is null || Namespace(o) == ns))
                {
                    var e = new WatchEvent(Rv(obj), "ADDED", type.StorageKey, Namespace(obj), obj);
                    if (watcher.Matches(e))
                    {
                        watcher.Events.Writer.TryWrite(e);
                    }
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    throw ApiException.BadRequest($"invalid resource version \"{resourceVersion}\"");
                }

                if (from < _oldestWatchable)
                {
                    expired = true;
                    return null;
                }

                foreach (var e in _history.Where(e => e.ResourceVersion > from && watcher.Matches(e)))
                {
                    watcher.Events.Writer.TryWrite(e);
                }
            }

            _watchers.Add(watcher);
            return watcher;
        }
    }

    public void Unwatch(Watcher watcher)
    {
        lock (_gate)
        {
            _watchers.Remove(watcher);
        }
    }

    public void DropWatches(bool abortConnections)
    {
        List<Watcher> dropped;
        lock (_gate)
        {
            dropped = [.. _watchers];
            _watchers.Clear();
        }

        foreach (var watcher in dropped)
        {
            watcher.AbortConnection = abortConnections;
            watcher.Dropped.Cancel();
        }
    }

    /// <summary>Forgets the event history: a watch from any resource version before now gets 410 Expired.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _oldestWatchable = _resourceVersion;
        }
    }

    private const string CrdKey = "apiextensions.k8s.io/customresourcedefinitions";

    private JsonObject UpdateLocked(ResourceType type, string? ns, string name, JsonObject body, bool statusOnly)
    {
        var old = Find(type, ns, name) ?? throw ApiException.NotFound(type, name);
        var oldMeta = (JsonObject)old["metadata"]!;
        var requestedRv = body["metadata"]?["resourceVersion"]?.ToString();
        if (!string.IsNullOrEmpty(requestedRv) && requestedRv != oldMeta["resourceVersion"]?.ToString())
        {
            throw ApiException.Conflict(type, name);
        }

        JsonObject next;
        if (statusOnly)
        {
            next = (JsonObject)old.DeepClone();
            next.Remove("status");
            if (body["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
        }
        else
        {
            next = (JsonObject)body.DeepClone();
            if (type.HasStatus)
            {
                next.Remove("status");
                if (old["status"] is { } status)
                {
                    next["status"] = status.DeepClone();
                }
            }

            var meta = next["metadata"] as JsonObject;
            if (meta is null)
            {
                meta = [];
                next["metadata"] = meta;
            }

            foreach (var key in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds" })
            {
                meta.Remove(key);
                if (oldMeta[key] is { } value)
                {
                    meta[key] = value.DeepClone();
                }
            }

            next["apiVersion"] = type.GroupVersion;
            next["kind"] = type.Kind;
            if (!JsonNode.DeepEquals(old["spec"], next["spec"]) && (oldMeta["generation"] is not null || next.ContainsKey("spec")))
            {
                meta["generation"] = (oldMeta["generation"] is JsonValue g ? long.Parse(g.ToJsonString(), CultureInfo.InvariantCulture) : 0) + 1;
            }
        }

        ApplyDefaults(next, type.Schema);
        next["metadata"]!["resourceVersion"] = oldMeta["resourceVersion"]?.DeepClone();
        if (JsonNode.DeepEquals(old, next))
        {
            return Output(type, old);
        }

        if (next["metadata"]?["deletionTimestamp"] is not null && next["metadata"]?["finalizers"] is not JsonArray { Count: > 0 })
        {
            return Output(type, Remove(type, next));
        }

        if (type.StorageKey == CrdKey)
        {
            RegisterCrd(next);
        }

        Store(type, next, "MODIFIED");

        return Output(type, next);
    }

    private JsonObject Remove(ResourceType type, JsonObject current)
    {
        var name = current["metadata"]!["name"]!.ToString();
        var ns = Namespace(current);
        Bucket(type).Remove(Key(ns, name));
        var gone = (JsonObject)current.DeepClone();
        gone["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        Publish(new WatchEvent(_resourceVersion, "DELETED", type.StorageKey, ns, gone));
        if (type.StorageKey == "/namespaces")
        {
            foreach (var (key, bucket) in _objects.ToList())
            {
                var owner = _types.Values.FirstOrDefault(t => t.StorageKey == key);
                if (owner is null || !owner.Namespaced)
                {
                    continue;
                }

                foreach (var obj in bucket.Values.Where(o => Namespace(o) == name).ToList())
                {
                    Remove(owner, obj);
                }
            }
        }
        else if (type.StorageKey == CrdKey)
        {
            UnregisterCrd(name);
        }

        return gone;
    }

    private void Store(ResourceType type, JsonObject obj, string eventType)
    {
        obj["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        Bucket(type)[Key(Namespace(obj), obj["metadata"]!["name"]!.ToString())] = obj;
        Publish(new WatchEvent(_resourceVersion, eventType, type.StorageKey, Namespace(obj), obj));
    }

    private void Publish(WatchEvent e)
    {
        _history.AddLast(e);
        while (_history.Count > _historyLimit)
        {
            _oldestWatchable = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var watcher in _watchers.Where(w => w.Matches(e)))
        {
            watcher.Events.Writer.TryWrite(e);
        }
    }

    private void Register(ResourceType type)
    {
        _types[(type.GroupVersion, type.Plural)] = type;
        if (type.Group.Length > 0)
        {
            _preferredVersions.TryAdd(type.Group, type.Version);
        }
    }

    private void RegisterCrd(JsonObject crd)
    {
        var name = crd["metadata"]!["name"]!.ToString();
        var spec = crd["spec"] as JsonObject ?? throw ApiException.BadRequest($"CustomResourceDefinition {name} has no spec");
        var group = spec["group"]?.ToString() ?? "";
        var names = spec["names"] as JsonObject ?? [];
        var plural = names["plural"]?.ToString() ?? "";
        var kind = names["kind"]?.ToString() ?? "";
        var singular = names["singular"]?.ToString() ?? kind.ToLowerInvariant();
        var shortNames = (names["shortNames"] as JsonArray)?.Select(n => n!.ToString()).ToList() ?? [];
        var categories = (names["categories"] as JsonArray)?.Select(n => n!.ToString()).ToList();
        var namespaced = spec["scope"]?.ToString() != "Cluster";
        UnregisterCrd(name);
        var registered = new List<ResourceType>();
        string? storage = null;
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var versionName = version["name"]?.ToString() ?? "";
            if (version["storage"]?.GetValue<bool>() == true)
            {
                storage = versionName;
            }

            if (version["served"]?.GetValue<bool>() == false)
            {
                continue;
            }

            var type = new ResourceType(group, versionName, plural, singular, kind, namespaced,
                version["subresources"]?["status"] is not null, shortNames, IsCustom: true,
                Schema: version["schema"]?["openAPIV3Schema"] as JsonObject, Categories: categories);
            registered.Add(type);
        }

        _preferredVersions[group] = storage ?? registered.FirstOrDefault()?.Version ?? "";
        foreach (var type in registered)
        {
            Register(type);
        }

        _crdTypes[name] = registered;

        var now = Now();
        var status = new JsonObject
        {
            ["acceptedNames"] = names.DeepClone(),
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["reason"] = "NoConflicts", ["message"] = "no conflicts found", ["lastTransitionTime"] = now },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted", ["lastTransitionTime"] = now }),
            ["storedVersions"] = new JsonArray(storage ?? ""),
        };
        if (!JsonNode.DeepEquals(crd["status"]?["acceptedNames"], status["acceptedNames"]))
        {
            crd["status"] = status;
        }
    }

    private void UnregisterCrd(string crdName)
    {
        if (!_crdTypes.Remove(crdName, out var types))
        {
            return;
        }

        foreach (var type in types)
        {
            _types.Remove((type.GroupVersion, type.Plural));
        }

        var key = types.FirstOrDefault()?.StorageKey;
        if (key is not null && !_types.Values.Any(t => t.StorageKey == key) && _objects.Remove(key, out var bucket))
        {
            foreach (var obj in bucket.Values)
            {
                var gone = (JsonObject)obj.DeepClone();
                gone["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
                Publish(new WatchEvent(_resourceVersion, "DELETED", key, Namespace(obj), gone));
            }
        }
    }

    private void PrepareBuiltIn(ResourceType type, JsonObject obj)
    {
        switch (type.StorageKey)
        {
            case "/namespaces":
                obj["status"] = new JsonObject { ["phase"] = "Active" };
                break;
            case "/services":
                if (obj["spec"] is JsonObject spec && spec["type"]?.ToString() != "ExternalName" && spec["clusterIP"] is null)
                {
                    var ip = _nextClusterIp++;
                    spec["clusterIP"] = $"10.96.{ip / 250}.{(ip % 250) + 1}";
                    spec["clusterIPs"] = new JsonArray(spec["clusterIP"]!.ToString());
                }

                obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
                break;
        }
    }

    /// <summary>Fills in the defaults of a CRD's structural schema, as the API server does for custom resources.</summary>
    private static void ApplyDefaults(JsonNode? node, JsonObject? schema)
    {
        if (schema is null)
        {
            return;
        }

        if (node is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, propertySchema) in properties)
            {
                if (propertySchema is not JsonObject ps)
                {
                    continue;
                }

                if (!obj.ContainsKey(name) && ps["default"] is { } defaultValue)
                {
                    obj[name] = defaultValue.DeepClone();
                }

                if (obj[name] is { } child)
                {
                    ApplyDefaults(child, ps);
                }
            }
        }
        else if (node is JsonArray array && schema["items"] is JsonObject itemSchema)
        {
            foreach (var item in array)
            {
                ApplyDefaults(item, itemSchema);
            }
        }

        if (node is JsonObject map && schema["additionalProperties"] is JsonObject valueSchema)
        {
            foreach (var (_, value) in map)
            {
                ApplyDefaults(value, valueSchema);
            }
        }
    }

    private JsonObject? Find(ResourceType type, string? ns, string name) =>
        Bucket(type).GetValueOrDefault(Key(type.Namespaced ? ns ?? "" : "", name));

    private SortedDictionary<string, JsonObject> Bucket(ResourceType type)
    {
        if (!_objects.TryGetValue(type.StorageKey, out var bucket))
        {
            bucket = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[type.StorageKey] = bucket;
        }

        return bucket;
    }

    /// <summary>A copy for a client of this version of the resource.</summary>
    internal static JsonObject Output(ResourceType type, JsonObject stored)
    {
        var copy = (JsonObject)stored.DeepClone();
        copy["apiVersion"] = type.GroupVersion;
        return copy;
    }

    internal static string Namespace(JsonObject obj) => obj["metadata"]?["namespace"]?.ToString() ?? "";

    private static long Rv(JsonObject obj) => long.Parse(obj["metadata"]!["resourceVersion"]!.ToString(), CultureInfo.InvariantCulture);

    private static string Key(string ns, string name) => ns + "/" + name;

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
