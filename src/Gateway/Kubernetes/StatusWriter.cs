// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Status;
using Gateway.Translation.Status;
using k8s;

namespace Gateway.Kubernetes;

/// <summary>
/// Writes the computed status to the API server's status subresource, only where it differs from what the
/// object carries, with optimistic concurrency (resourceVersion) and a retry on conflict. Writes are batched:
/// a burst of changes becomes one pass that writes each object at most once.
/// </summary>
public sealed partial class StatusWriter(IKubernetes client, StatusStore store, string controllerName, EventRecorder events, ILogger<StatusWriter> logger) : ILeaderWriter
{
    public string What => "status";

    private const int ConflictRetries = 3;
    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);
    private volatile bool _resetRequested;

    /// <summary>Forget what was written, so the next pass checks every object again (a new leader converges all).</summary>
    public void Reset() => _resetRequested = true;

    /// <summary>One pass over the current statuses; returns how many objects were patched.</summary>
    public async Task<int> WriteAsync(CancellationToken cancellationToken)
    {
        if (_resetRequested)
        {
            _resetRequested = false;
            _written.Clear();
        }

        var patched = 0;
        foreach (var status in store.Current)
        {
            var path = StatusPaths.ObjectPath(status);
            var desired = (JsonObject)JsonSerializer.SerializeToNode(status.Status, status.Status.GetType(), StatusJson.Options)!;
            var fingerprint = desired.ToJsonString();
            if (_written.TryGetValue(path, out var last) && last == fingerprint)
            {
                continue;
            }

            try
            {
                if (await WriteOneAsync(path, desired, cancellationToken).ConfigureAwait(false))
                {
                    patched++;
                }

                _written[path] = fingerprint;
            }
            catch (HttpRequestException e)
            {
                LogWriteFailed(logger, status.Kind, status.Namespace ?? "", status.Name, e.Message);
            }
        }

        return patched;
    }

    private async Task<bool> WriteOneAsync(string path, JsonObject desired, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var get = await ApiRequests.SendAsync(client, HttpMethod.Get, path, null, null, cancellationToken).ConfigureAwait(false);
            if (get.StatusCode == HttpStatusCode.NotFound)
            {
                return false; // Deleted meanwhile: nothing to write.
            }

            get.EnsureSuccessStatusCode();
            var live = JsonNode.Parse(await get.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))!.AsObject();
            var liveStatus = live["status"] as JsonObject;
            var merged = StatusMerge.Merge(desired, liveStatus, controllerName);
            if (liveStatus is not null && JsonNode.DeepEquals(merged, liveStatus))
            {
                return false;
            }

            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { ["resourceVersion"] = live["metadata"]?["resourceVersion"]?.DeepClone() },
                ["status"] = merged,
            };
            using var response = await ApiRequests.SendAsync(client, HttpMethod.Patch, path + "/status", patch.ToJsonString(), "application/merge-patch+json", cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Conflict && attempt < ConflictRetries)
            {
                continue; // Someone else wrote first: read again and merge with their write.
            }

            response.EnsureSuccessStatusCode();
            await RecordTransitionsAsync(live, liveStatus, merged, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>
    /// One Kubernetes Event per condition of ours whose status changed (Warning when it turned False), so
    /// `kubectl describe` tells the story. Events are best effort: a failure to record one is only logged.
    /// </summary>
    private async Task RecordTransitionsAsync(JsonObject live, JsonObject? before, JsonObject after, CancellationToken cancellationToken)
    {
        foreach (var (condition, scope) in OurConditions(after))
        {
            var type = condition["type"]?.GetValue<string>();
            var status = condition["status"]?.GetValue<string>();
            var previous = OurConditions(before).FirstOrDefault(c => c.Scope == scope && c.Condition["type"]?.GetValue<string>() == type).Condition;
            if (previous?["status"]?.GetValue<string>() == status)
            {
                continue;
            }

            var metadata = live["metadata"]!;
            var involvedObject = new JsonObject
            {
                ["apiVersion"] = live["apiVersion"]?.DeepClone(),
                ["kind"] = live["kind"]?.DeepClone(),
                ["name"] = metadata["name"]?.DeepClone(),
                ["namespace"] = metadata["namespace"]?.DeepClone(),
                ["uid"] = metadata["uid"]?.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
            };
            await events.RecordAsync(involvedObject, warning: status == "False", condition["reason"]?.GetValue<string>() ?? type ?? "",
                $"{scope}{type}={status}: {condition["message"]?.GetValue<string>()}".Trim(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Our conditions with where they sit: the object itself, a listener, or a route parent.</summary>
    private IEnumerable<(JsonObject Condition, string Scope)> OurConditions(JsonObject? status)
    {
        if (status is null)
        {
            yield break;
        }

        foreach (var condition in (status["conditions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            yield return (condition, "");
        }

        foreach (var listener in (status["listeners"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var condition in (listener["conditions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                yield return (condition, $"listener {listener["name"]}: ");
            }
        }

        foreach (var parent in (status["parents"] as JsonArray ?? []).OfType<JsonObject>().Where(p => p["controllerName"]?.GetValue<string>() == controllerName))
        {
            foreach (var condition in (parent["conditions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                yield return (condition, $"parent {parent["parentRef"]?["namespace"]}/{parent["parentRef"]?["name"]}: ");
            }
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Could not write the status of {Kind} {Namespace}/{Name}: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string kind, string @namespace, string name, string reason);
}
