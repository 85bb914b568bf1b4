// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Diagnostics;

/// <summary>
/// One structured line per request, under the "Gateway.AccessLog" category. The property names are what the JSON
/// log format writes (in snake_case, see AccessLogJsonFormatter in the host); the text format renders the message.
/// </summary>
public static partial class AccessLog
{
    public const string Category = "Gateway.AccessLog";

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information,
        Message = "{Method} {Authority}{Path} {Protocol} {Status} {DurationMs:0.0}ms in={BytesReceived} out={BytesSent} route={Route} listener={Listener} "
            + "upstream={Upstream} upstream_time={UpstreamDurationMs:0.0}ms client={Client} agent=\"{UserAgent}\" request_id={RequestId} trace_id={TraceId} start={Time:O}")]
    public static partial void Request(ILogger logger, string method, string authority, string path, string protocol, int status,
        double durationMs, long? bytesReceived, long bytesSent, string route, string listener, string upstream, double? upstreamDurationMs,
        string client, string userAgent, string requestId, string traceId, DateTime time);
}
