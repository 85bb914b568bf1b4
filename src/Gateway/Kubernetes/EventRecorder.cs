// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using k8s;

namespace Gateway.Kubernetes;

/// <summary>Records Kubernetes Events about an object, so `kubectl describe` tells its story. Best effort: a failure is only logged.</summary>
public sealed partial class EventRecorder(IKubernetes client, string controllerName, ILogger<EventRecorder> logger)
{
    /// <param name="involvedObject">apiVersion, kind, name, namespace (and uid, resourceVersion when known) of the object.</param>
    public async Task RecordAsync(JsonObject involvedObject, bool warning, string reason, string message, CancellationToken cancellationToken)
    {
        var ns = involvedObject["namespace"]?.GetValue<string>() ?? "default";
        var name = involvedObject["name"]!.GetValue<string>();
        var @event = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["generateName"] = $"{name}.", ["namespace"] = ns },
            ["involvedObject"] = involvedObject,
            ["type"] = warning ? "Warning" : "Normal",
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = controllerName },
            ["reportingComponent"] = controllerName,
            ["count"] = 1,
        };
        try
        {
            using var response = await ApiRequests.SendAsync(client, HttpMethod.Post, $"/api/v1/namespaces/{ns}/events", @event.ToJsonString(), "application/json", cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                LogEventFailed(logger, reason, name, (int)response.StatusCode);
            }
        }
        catch (HttpRequestException e)
        {
            LogEventFailed(logger, reason, name, e.StatusCode is { } code ? (int)code : 0);
        }
    }

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Could not record event {Reason} for {Name}: HTTP {Status}")]
    private static partial void LogEventFailed(ILogger logger, string reason, string name, int status);
}
