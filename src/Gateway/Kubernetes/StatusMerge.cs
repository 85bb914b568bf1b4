// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Gateway.Kubernetes;

/// <summary>
/// Combines the status we computed with the status the object carries: route parents that other controllers own
/// are kept, and a condition whose status did not change keeps its lastTransitionTime (so a restart or a new
/// leader does not rewrite every timestamp).
/// </summary>
internal static class StatusMerge
{
    public static JsonObject Merge(JsonObject desired, JsonObject? live, string controllerName)
    {
        var merged = (JsonObject)desired.DeepClone();
        if (live is null)
        {
            return merged;
        }

        // Route parents and policy ancestors that other controllers own are theirs to keep.
        foreach (var list in (string[])["parents", "ancestors"])
        {
            if (merged[list] is JsonArray ours && live[list] is JsonArray theirs)
            {
                foreach (var foreign in theirs.OfType<JsonObject>().Where(p => p["controllerName"]?.GetValue<string>() != controllerName))
                {
                    ours.Add(foreign.DeepClone());
                }
            }
        }

        KeepTransitionTimes(merged, live);
        return merged;
    }

    private static void KeepTransitionTimes(JsonNode? desired, JsonNode? live)
    {
        switch (desired)
        {
            case JsonObject obj when live is JsonObject liveObj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "conditions" && value is JsonArray conditions && liveObj["conditions"] is JsonArray liveConditions)
                    {
                        foreach (var condition in conditions.OfType<JsonObject>())
                        {
                            var same = liveConditions.OfType<JsonObject>().FirstOrDefault(c =>
                                c["type"]?.GetValue<string>() == condition["type"]?.GetValue<string>()
                                && c["status"]?.GetValue<string>() == condition["status"]?.GetValue<string>());
                            if (same?["lastTransitionTime"] is { } since)
                            {
                                condition["lastTransitionTime"] = since.DeepClone();
                            }
                        }
                    }
                    else
                    {
                        KeepTransitionTimes(value, liveObj[key]);
                    }
                }

                break;
            case JsonArray array when live is JsonArray liveArray:
                foreach (var item in array.OfType<JsonObject>())
                {
                    KeepTransitionTimes(item, liveArray.OfType<JsonObject>().FirstOrDefault(l => SameEntry(item, l)));
                }

                break;
        }
    }

    /// <summary>Listeners match by name, route parents and policy ancestors by their reference and controller.</summary>
    private static bool SameEntry(JsonObject a, JsonObject b) =>
        a["name"] is { } name ? JsonNode.DeepEquals(name, b["name"])
        : (a["parentRef"] ?? a["ancestorRef"]) is { } parent && JsonNode.DeepEquals(parent, b["parentRef"] ?? b["ancestorRef"])
            && JsonNode.DeepEquals(a["controllerName"], b["controllerName"]);
}
