// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using Gateway.Snapshot;

namespace Gateway.Proxy.Forwarding;

/// <summary>What one active health check found: whether it passed, its metric label, and a reason for the log.</summary>
internal readonly record struct ProbeResult(bool Passed, string Result, string Reason)
{
    public static ProbeResult Answered(int statusCode, bool expected) =>
        new(expected, expected ? "passed" : "bad_status", $"answered {statusCode.ToString(CultureInfo.InvariantCulture)}");

    public static ProbeResult TimedOut(TimeSpan timeout) =>
        new(false, "timed_out", $"no answer within {timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms");

    public static ProbeResult ConnectionFailed(string why) => new(false, "connection_failed", $"connection failed: {why}");

    public static ProbeResult Failed(string why) => new(false, "error", why);
}

/// <summary>One cluster's check settings and the protocol its endpoints speak.</summary>
/// <param name="TlsClient">For a cluster with a BackendTLSPolicy: the client that speaks TLS to it.</param>
internal sealed record HealthCheckTarget(ActiveHealthCheck Settings, BackendProtocol Protocol, HttpMessageInvoker? TlsClient = null);

/// <summary>Sends one active health check: a GET for the settings' path to one endpoint.</summary>
internal delegate Task<ProbeResult> HealthProbe(EndpointHealth endpoint, HealthCheckTarget target, CancellationToken cancellationToken);

/// <summary>
/// The real probe: a GET through one client shared by every check of the process, with the check's timeout over the
/// whole exchange. The body is read and dropped so the connection is reused by the next check instead of left in
/// TIME_WAIT each interval.
/// </summary>
internal sealed class HttpHealthProbe(HttpMessageInvoker client)
{
    public const string UserAgent = "gateway-health-check";

    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false, // A redirect is an answer: its status is checked like any other.
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(5), // The check's own timeout is usually shorter and cancels first.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
    };

    public async Task<ProbeResult> SendAsync(EndpointHealth endpoint, HealthCheckTarget target, CancellationToken cancellationToken)
    {
        var settings = target.Settings;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint.Destination + settings.Path))
        {
            Version = target.Protocol == BackendProtocol.H2c ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (settings.Hostname is { } hostname)
        {
            request.Headers.Host = hostname;
        }

        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        try
        {
            using var response = await (target.TlsClient ?? client).SendAsync(request, timeout.Token).ConfigureAwait(false);
            await response.Content.CopyToAsync(Stream.Null, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return ProbeResult.Answered(status, settings.Expects(status));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.TimedOut(settings.Timeout);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return ProbeResult.ConnectionFailed(e.InnerException?.Message ?? e.Message);
        }
        catch (HttpRequestException e)
        {
            return ProbeResult.Failed(e.Message);
        }
    }
}
