// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Diagnostics;

/// <summary>One structured line per request, under the "Gateway.AccessLog" category.</summary>
public static partial class AccessLog
{
    public const string Category = "Gateway.AccessLog";

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information,
        Message = "{Method} {Host}{Path} {StatusCode} {DurationMs:0.0}ms route={Route} upstream={Upstream} client={Client}")]
    public static partial void Request(ILogger logger, string method, string host, string path, int statusCode,
        double durationMs, string route, string upstream, string client);
}
