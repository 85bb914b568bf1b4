// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;

namespace Gateway.Snapshot;

/// <summary>
/// Active HTTP health checking of the endpoints a listener's routes reach (from its GatewayClass's ProxyConfig): each
/// endpoint gets a GET for Path every Interval; UnhealthyThreshold failures in a row (a status outside ExpectedStatuses,
/// no answer within Timeout, a failed connection) take it out of rotation, HealthyThreshold passes in a row bring it back.
/// </summary>
/// <param name="Hostname">The Host header of the probes; null sends the endpoint's address:port.</param>
public sealed record ActiveHealthCheck(
    string Path, string? Hostname, TimeSpan Interval, TimeSpan Timeout, int UnhealthyThreshold, int HealthyThreshold,
    ImmutableArray<StatusCodeRange> ExpectedStatuses)
{
    /// <summary>The values of fields a ProxyConfig leaves out.</summary>
    public static readonly ActiveHealthCheck Default = new("/", null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), 2, 1, [new StatusCodeRange(200, 399)]);

    public bool Expects(int statusCode)
    {
        foreach (var range in ExpectedStatuses)
        {
            if (statusCode >= range.Min && statusCode <= range.Max)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>HTTP status codes from Min to Max, both included.</summary>
public sealed record StatusCodeRange(int Min, int Max);
