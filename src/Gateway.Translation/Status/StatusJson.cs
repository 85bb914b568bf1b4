// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Gateway.Translation.Status;

/// <summary>Renders statuses as the Kubernetes List that /status serves.</summary>
public static class StatusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new Rfc3339Converter() },
    };

    public static JsonObject ToList(IEnumerable<ObjectStatus> statuses, IReadOnlyList<string> sourceProblems)
    {
        var items = new JsonArray();
        foreach (var s in statuses)
        {
            var metadata = new JsonObject { ["name"] = s.Name };
            if (s.Namespace is not null)
            {
                metadata["namespace"] = s.Namespace;
            }

            if (s.Generation is not null)
            {
                metadata["generation"] = s.Generation;
            }

            items.Add(new JsonObject
            {
                ["apiVersion"] = s.ApiVersion,
                ["kind"] = s.Kind,
                ["metadata"] = metadata,
                ["status"] = JsonSerializer.SerializeToNode(s.Status, s.Status.GetType(), Options),
            });
        }

        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items };
        if (sourceProblems.Count > 0)
        {
            // Not any object's status: problems with the input itself, such as files that did not parse.
            list["sourceErrors"] = new JsonArray([.. sourceProblems.Select(p => JsonValue.Create(p))]);
        }

        return list;
    }

    private sealed class Rfc3339Converter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }
}
