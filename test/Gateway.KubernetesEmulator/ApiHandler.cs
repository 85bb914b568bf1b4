// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.KubernetesEmulator;

/// <summary>Routes Kubernetes REST requests (discovery, CRUD, status, watch) to the <see cref="ObjectStore"/>.</summary>
internal sealed class ApiHandler(ObjectStore store, Func<TimeSpan> bookmarkInterval)
{
    private static readonly string[] _verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context);
        }
        catch (ApiException e)
        {
            await WriteJsonAsync(context, e.Code, e.ToStatus());
        }
        catch (JsonException e)
        {
            await WriteJsonAsync(context, 400, ApiException.Status(400, "BadRequest", $"the request body is not valid JSON: {e.Message}"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            await WriteJsonAsync(context, 500, ApiException.Status(500, "InternalError", $"emulator bug: {e}"));
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        var segments = (context.Request.Path.Value ?? "").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["version"])
        {
            await WriteJsonAsync(context, 200, new JsonObject
            {
                ["major"] = "1",
                ["minor"] = "32",
                ["gitVersion"] = "v1.32.0-emulator",
                ["gitCommit"] = "0000000000000000000000000000000000000000",
                ["gitTreeState"] = "clean",
                ["buildDate"] = "2025-01-01T00:00:00Z",
                ["goVersion"] = "go1.23",
                ["compiler"] = "gc",
                ["platform"] = "linux/amd64",
            });
            return;
        }

        if (segments is ["healthz" or "readyz" or "livez"])
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("ok");
            return;
        }

        if (segments is ["openapi", "v3", .. var gvPath])
        {
            await WriteOpenApiV3Async(context, gvPath);
            return;
        }

        string group, version;
        string[] rest;
        switch (segments)
        {
            case ["api"]:
                await WriteJsonAsync(context, 200, new JsonObject
                {
                    ["kind"] = "APIVersions",
                    ["versions"] = new JsonArray("v1"),
                    ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = context.Request.Host.Value }),
                });
                return;
            case ["apis"]:
                await WriteJsonAsync(context, 200, new JsonObject
                {
                    ["kind"] = "APIGroupList",
                    ["apiVersion"] = "v1",
                    ["groups"] = new JsonArray([.. store.Groups().Select(g => GroupJson(g.Group, g.Versions))]),
                });
                return;
            case ["apis", var g]:
                var found = store.Groups().FirstOrDefault(x => x.Group == g);
                if (found.Group is null)
                {
                    throw new ApiException(404, "NotFound", "the server could not find the requested resource");
                }

                var groupJson = GroupJson(found.Group, found.Versions);
                groupJson["kind"] = "APIGroup";
                groupJson["apiVersion"] = "v1";
                await WriteJsonAsync(context, 200, groupJson);
                return;
            case ["api", var v, .. var r]:
                (group, version, rest) = ("", v, r);
                break;
            case ["apis", var g, var v, .. var r]:
                (group, version, rest) = (g, v, r);
                break;
            default:
                throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        if (rest.Length == 0)
        {
            await WriteResourceListAsync(context, group, version);
            return;
        }

        ResourceType? type;
        string? ns = null, name = null, subresource = null;
        if (rest.Length >= 3 && rest[0] == "namespaces" && store.TryGetType(group, version, rest[2], out var namespacedType) && namespacedType.Namespaced)
        {
            (type, ns, name, subresource) = (namespacedType, rest[1], rest.ElementAtOrDefault(3), rest.ElementAtOrDefault(4));
            if (rest.Length > 5)
            {
                throw new ApiException(404, "NotFound", "the server could not find the requested resource");
            }
        }
        else if (store.TryGetType(group, version, rest[0], out var clusterType) && rest.Length <= 3)
        {
            (type, name, subresource) = (clusterType, rest.ElementAtOrDefault(1), rest.ElementAtOrDefault(2));
            if (type.Namespaced && name is not null)
            {
                throw new ApiException(404, "NotFound", "the server could not find the requested resource");
            }
        }
        else
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        if (subresource is not null && !(subresource == "status" && type.HasStatus))
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        var query = context.Request.Query;
        var method = context.Request.Method;
        var statusOnly = subresource is not null;
        if (name is null)
        {
            var labels = Selector.ParseLabels(query["labelSelector"]);
            var fields = Selector.ParseFields(query["fieldSelector"]);
            switch (method)
            {
                case "GET" when query["watch"] is var w && (w == "true" || w == "1"):
                    await WatchAsync(context, type, ns, labels, fields);
                    return;
                case "GET":
                    var (items, rv) = store.List(type, ns, labels, fields);
                    await WriteJsonAsync(context, 200, new JsonObject
                    {
                        ["kind"] = type.ListKind,
                        ["apiVersion"] = type.GroupVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        ["items"] = new JsonArray([.. items]),
                    });
                    return;
                case "POST" when type.Namespaced && ns is null:
                    throw new ApiException(404, "NotFound", "the server could not find the requested resource");
                case "POST":
                    var body = await ReadObjectAsync(context);
                    await WriteJsonAsync(context, 201, store.Create(type, ns, body));
                    return;
                case "DELETE":
                    var deleted = store.DeleteCollection(type, ns, labels, fields);
                    await WriteJsonAsync(context, 200, new JsonObject
                    {
                        ["kind"] = type.ListKind,
                        ["apiVersion"] = type.GroupVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        ["items"] = new JsonArray([.. deleted]),
                    });
                    return;
                default:
                    throw new ApiException(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
            }
        }

        switch (method)
        {
            case "GET":
                await WriteJsonAsync(context, 200, store.Get(type, ns, name));
                return;
            case "PUT":
                await WriteJsonAsync(context, 200, store.Update(type, ns, name, await ReadObjectAsync(context), statusOnly));
                return;
            case "PATCH":
                var patch = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                await WriteJsonAsync(context, 200, store.Patch(type, ns, name, context.Request.ContentType ?? "", patch, statusOnly));
                return;
            case "DELETE" when !statusOnly:
                await WriteJsonAsync(context, 200, store.Delete(type, ns, name));
                return;
            default:
                throw new ApiException(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
        }
    }

    private async Task WatchAsync(HttpContext context, ResourceType type, string? ns, Selector labels, Selector fields)
    {
        var query = context.Request.Query;
        var watcher = store.Watch(type, ns, labels, fields, query["resourceVersion"], out var expired);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        if (watcher is null || expired)
        {
            var status = ApiException.Status(410, "Expired", $"too old resource version: {query["resourceVersion"]} ({store.ResourceVersion})");
            await WriteEventAsync(response, new JsonObject { ["type"] = "ERROR", ["object"] = status }, context.RequestAborted);
            return;
        }

        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, watcher.Dropped.Token);
            if (int.TryParse(query["timeoutSeconds"], out var timeoutSeconds) && timeoutSeconds > 0)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
            }

            var bookmarks = query["allowWatchBookmarks"] == "true";
            await response.StartAsync(context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            var nextBookmark = DateTime.UtcNow + bookmarkInterval();
            Task<bool>? pending = null;
            while (!stop.IsCancellationRequested)
            {
                while (watcher.Events.Reader.TryRead(out var e))
                {
                    var message = new JsonObject { ["type"] = e.Type, ["object"] = ObjectStore.Output(type, e.Object) };
                    await WriteEventAsync(response, message, stop.Token);
                }

                if (bookmarks && DateTime.UtcNow >= nextBookmark)
                {
                    nextBookmark = DateTime.UtcNow + bookmarkInterval();
                    var bookmark = new JsonObject
                    {
                        ["kind"] = type.Kind,
                        ["apiVersion"] = type.GroupVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    };
                    await WriteEventAsync(response, new JsonObject { ["type"] = "BOOKMARK", ["object"] = bookmark }, stop.Token);
                }

                pending ??= watcher.Events.Reader.WaitToReadAsync(stop.Token).AsTask();
                if (bookmarks)
                {
                    var delay = nextBookmark - DateTime.UtcNow;
                    await Task.WhenAny(pending, Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, stop.Token));
                }
                else
                {
                    await Task.WhenAny(pending);
                }

                if (pending.IsCompleted)
                {
                    pending = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timed out, dropped, or the client left: end the stream.
        }
        finally
        {
            store.Unwatch(watcher);
            if (watcher.AbortConnection)
            {
                context.Abort();
            }
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, JsonObject message, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(message.ToJsonString() + "\n"), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private async Task WriteResourceListAsync(HttpContext context, string group, string version)
    {
        var gv = group.Length == 0 ? version : $"{group}/{version}";
        var types = store.TypesSnapshot().Where(t => t.GroupVersion == gv).OrderBy(t => t.Plural, StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        var resources = new JsonArray();
        foreach (var t in types)
        {
            var resource = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray([.. _verbs.Select(v => (JsonNode)v)]),
            };
            if (t.ShortNames.Count > 0)
            {
                resource["shortNames"] = new JsonArray([.. t.ShortNames.Select(s => (JsonNode)s)]);
            }

            if (t.Categories is { Count: > 0 })
            {
                resource["categories"] = new JsonArray([.. t.Categories.Select(s => (JsonNode)s)]);
            }

            resources.Add(resource);
            if (t.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = gv,
            ["resources"] = resources,
        });
    }

    /// <summary>
    /// A minimal OpenAPI v3: per group/version, one PATCH operation per kind that declares the <c>fieldValidation</c>
    /// query parameter. That tells kubectl the server validates fields, so it skips client-side schema validation
    /// (which would otherwise need the full schemas). No schemas are served.
    /// </summary>
    private async Task WriteOpenApiV3Async(HttpContext context, string[] gvPath)
    {
        var types = store.TypesSnapshot();
        static string PathOf(ResourceType t) => t.Group.Length == 0 ? $"api/{t.Version}" : $"apis/{t.Group}/{t.Version}";
        if (gvPath.Length == 0)
        {
            var paths = new JsonObject();
            foreach (var gv in types.GroupBy(PathOf))
            {
                var hash = string.Join(',', gv.Select(t => t.Kind).Order(StringComparer.Ordinal)).GetHashCode(StringComparison.Ordinal) & 0x7fffffff;
                paths[gv.Key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{gv.Key}?hash={hash:X8}" };
            }

            await WriteJsonAsync(context, 200, new JsonObject { ["paths"] = paths });
            return;
        }

        var wanted = string.Join('/', gvPath);
        var selected = types.Where(t => PathOf(t) == wanted).ToList();
        if (selected.Count == 0)
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        var operations = new JsonObject();
        foreach (var t in selected)
        {
            var path = t.Namespaced ? $"/{wanted}/namespaces/{{namespace}}/{t.Plural}/{{name}}" : $"/{wanted}/{t.Plural}/{{name}}";
            operations[path] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = "patch" + t.Kind,
                    ["parameters"] = new JsonArray(
                        new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                        new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind },
                },
            };
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = operations,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        });
    }

    private static JsonObject GroupJson(string group, List<string> versions) => new()
    {
        ["name"] = group,
        ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v })]),
        ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] },
    };

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType ?? "application/json";
        if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(415, "UnsupportedMediaType", $"the emulator accepts only application/json bodies, not {contentType}");
        }

        return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject
            ?? throw ApiException.BadRequest("the request body must be a JSON object");
    }

    internal static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
