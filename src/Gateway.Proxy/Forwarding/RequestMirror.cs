// SPDX-License-Identifier: Apache-2.0
using Gateway.Snapshot;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Proxy.Forwarding;

/// <summary>
/// RequestMirror: a copy of the request (method, path, headers, body) goes to each mirror cluster chosen by its
/// percentage, in the background. Its answer and its failures never touch the client's response.
/// </summary>
internal sealed partial class RequestMirror(HttpMessageInvoker client, ILogger logger)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);

    /// <param name="body">The whole request body (held by <see cref="ReplayableRequestBody"/>; never changed, so sends may outlive the request).</param>
    public void Start(HttpContext context, IReadOnlyList<RouteFilter> filters, ClusterTable clusters, ReadOnlyMemory<byte> body)
    {
        foreach (var filter in filters)
        {
            if (filter is not RequestMirrorFilter mirror || Random.Shared.NextDouble() * 100 >= mirror.Percent)
            {
                continue;
            }

            var target = clusters.Find(mirror.ClusterId);
            if (target?.Pick()?.Destination is not { } destination)
            {
                continue;
            }

            var copy = Copy(context.Request, destination, body);

            // The mirror sees the request as the backend does: with the route's header changes applied.
            foreach (var headerFilter in filters.OfType<RequestHeaderFilter>())
            {
                Pipeline.HeaderEditor.Apply(headerFilter.Changes, copy.Headers, copy.Content?.Headers);
            }

            _ = Task.Run(() => SendAsync(target.TlsClient ?? client, copy, mirror.ClusterId));
        }
    }

    private async Task SendAsync(HttpMessageInvoker sender, HttpRequestMessage request, string clusterId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            using var response = await sender.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            LogMirrorFailed(logger, clusterId, e.Message);
        }
        finally
        {
            request.Dispose();
        }
    }

    private static HttpRequestMessage Copy(HttpRequest request, string destination, ReadOnlyMemory<byte> body)
    {
        var copy = new HttpRequestMessage(new HttpMethod(request.Method), destination + request.Path + request.QueryString);
        if (!body.IsEmpty)
        {
            copy.Content = new ReadOnlyMemoryContent(body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (!copy.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                copy.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        copy.Headers.Host = request.Host.Value;
        return copy;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Mirror to {Cluster} failed: {Reason}")]
    private static partial void LogMirrorFailed(ILogger logger, string cluster, string reason);
}
