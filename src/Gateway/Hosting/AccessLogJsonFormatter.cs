// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;
using System.Text.Json;
using Gateway.Proxy.Diagnostics;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;

namespace Gateway.Hosting;

/// <summary>
/// The JSON log format: an access-log event becomes one flat object per request with snake_case fields (what log
/// pipelines index without a parsing rule); every other event is written as compact JSON, as before.
/// </summary>
internal sealed class AccessLogJsonFormatter : ITextFormatter
{
    /// <summary>Access-log properties in output order, with the JSON name each is written under.</summary>
    private static readonly (string Property, string Field)[] _fields =
    [
        ("Method", "method"), ("Authority", "authority"), ("Path", "path"), ("Protocol", "protocol"), ("Status", "status"),
        ("BytesReceived", "bytes_received"), ("BytesSent", "bytes_sent"), ("DurationMs", "duration_ms"),
        ("Upstream", "upstream"), ("UpstreamDurationMs", "upstream_duration_ms"), ("Route", "route"), ("Listener", "listener"),
        ("UserAgent", "user_agent"), ("Client", "client"), ("RequestId", "request_id"), ("TraceId", "trace_id"),
    ];

    private readonly RenderedCompactJsonFormatter _other = new();

    public void Format(LogEvent logEvent, TextWriter output)
    {
        if (!logEvent.Properties.TryGetValue("SourceContext", out var source)
            || source is not ScalarValue { Value: AccessLog.Category })
        {
            _other.Format(logEvent, output);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", logEvent.Properties.TryGetValue("Time", out var time) && time is ScalarValue { Value: DateTime start }
                ? start : logEvent.Timestamp.UtcDateTime);
            foreach (var (property, field) in _fields)
            {
                WriteField(json, field, logEvent.Properties.GetValueOrDefault(property));
            }

            json.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.WriteLine();
    }

    /// <summary>Numbers stay numbers; "-" (the text format's "none") and absent values become null.</summary>
    private static void WriteField(Utf8JsonWriter json, string field, LogEventPropertyValue? value)
    {
        switch ((value as ScalarValue)?.Value)
        {
            case int number:
                json.WriteNumber(field, number);
                break;
            case long number:
                json.WriteNumber(field, number);
                break;
            case double number:
                json.WriteNumber(field, Math.Round(number, 3));
                break;
            case string text when text != "-":
                json.WriteString(field, text);
                break;
            default:
                json.WriteNull(field);
                break;
        }
    }
}
