// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>
/// The flaky backend the upstream retry tests talk to, as their echo server behaves under /retry/: the first
/// succeedAfter requests carrying the same uuid fail, later ones are echoed. A failure answers responseCode when the
/// query has one and otherwise resets the connection without answering; delayRetry (e.g. 300ms) holds a failure back
/// that long first.
/// </summary>
internal static class RetrySimulation
{
    private static readonly ConcurrentDictionary<string, int> _failed = new(StringComparer.Ordinal);

    public static async Task HandleAsync(HttpContext context, RequestDelegate echo)
    {
        if (!context.Request.Path.StartsWithSegments("/retry", StringComparison.Ordinal))
        {
            await echo(context);
            return;
        }

        var query = context.Request.Query;
        if (query["uuid"].ToString() is not { Length: > 0 } id || !int.TryParse(query["succeedAfter"], CultureInfo.InvariantCulture, out var succeedAfter))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("uuid and succeedAfter are required");
            return;
        }

        if (!TryFail(id, succeedAfter))
        {
            await echo(context);
            return;
        }

        if (Duration(query["delayRetry"]) is { } delay)
        {
            await Task.Delay(delay, context.RequestAborted);
        }

        if (int.TryParse(query["responseCode"], CultureInfo.InvariantCulture, out var status))
        {
            context.Response.StatusCode = status;
            return;
        }

        // Linger 0 makes the close a TCP reset, as upstream's backend does.
        if (context.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            socket.LingerState = new LingerOption(true, 0);
        }

        context.Abort();
    }

    /// <summary>Counts this attempt as a failure while fewer than succeedAfter have failed.</summary>
    private static bool TryFail(string id, int succeedAfter)
    {
        while (true)
        {
            var failed = _failed.GetOrAdd(id, 0);
            if (failed >= succeedAfter)
            {
                return false;
            }

            if (_failed.TryUpdate(id, failed + 1, failed))
            {
                return true;
            }
        }
    }

    /// <summary>The Go durations the tests send: a whole number of ms or s.</summary>
    private static TimeSpan? Duration(string? text) => text switch
    {
        null or "" => null,
        _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(int.Parse(text[..^2], CultureInfo.InvariantCulture)),
        _ when text.EndsWith('s') => TimeSpan.FromSeconds(int.Parse(text[..^1], CultureInfo.InvariantCulture)),
        _ => throw new FormatException($"delayRetry {text} is not a duration in ms or s"),
    };
}
