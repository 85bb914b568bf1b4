// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text;
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
public sealed partial class StatusWriter(IKubernetes client, StatusStore store, string controllerName, ILogger<StatusWriter> logger)
{
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
            using var get = await SendAsync(HttpMethod.Get, path, null, null, cancellationToken).ConfigureAwait(false);
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
            using var response = await SendAsync(HttpMethod.Patch, path + "/status", patch.ToJsonString(), "application/merge-patch+json", cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Conflict && attempt < ConflictRetries)
            {
                continue; // Someone else wrote first: read again and merge with their write.
            }

            response.EnsureSuccessStatusCode();
            return true;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, string? contentType, CancellationToken cancellationToken)
    {
        var kubernetes = (k8s.Kubernetes)client;
        using var request = new HttpRequestMessage(method, new Uri(kubernetes.BaseUri, path.TrimStart('/')));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType!);
        }

        if (kubernetes.Credentials is not null)
        {
            await kubernetes.Credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return await kubernetes.HttpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Could not write the status of {Kind} {Namespace}/{Name}: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string kind, string @namespace, string name, string reason);
}
