// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Proxy.Listeners;

/// <summary>
/// How many client connections the Gateway sockets may hold together before the process runs out of file
/// descriptors; each socket gets an equal share unless its ProxyConfig sets connectionLimits.maxConnections.
/// A client connection costs its own descriptor and, while a request is in flight, at most one upstream connection,
/// so the budget is half of what is left after a reserve for the admin server, health probes, the config source
/// (files or Kubernetes watches), the config channel and the runtime's own descriptors. Shedding a connection early
/// keeps those answering; running out of descriptors would fail accepts and upstream connects at random instead.
/// </summary>
public sealed partial class ClientConnectionBudget
{
    /// <summary>Descriptors kept for everything that is not a client connection or its upstream connection.</summary>
    public const int Reserve = 256;

    /// <summary>The budget never drops below this, however low the limit: a gateway that sheds everything helps nobody.</summary>
    public const int Minimum = 16;

    public ClientConnectionBudget(IOptions<ProxyOptions> options, ILogger<ClientConnectionBudget> logger)
    {
        var limit = DescriptorLimit.RaiseSoftToHard();
        Total = options.Value.MaxClientConnections ?? (limit is { } l ? ForDescriptorLimit(l.Soft) : null);
        if (limit is { } known)
        {
            LogDescriptors(logger, Text(known.Soft), Text(known.Hard), Total?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited",
                options.Value.MaxClientConnections is null ? "from the open-files limit" : "--max-client-connections");
        }
    }

    /// <summary>The client connections all Gateway sockets may hold together; null is unlimited.</summary>
    public int? Total { get; }

    /// <summary>The budget for a soft open-files limit: half of what the reserve leaves, at least <see cref="Minimum"/>.</summary>
    public static int? ForDescriptorLimit(ulong softLimit)
    {
        if (DescriptorLimit.IsUnlimited(softLimit))
        {
            return null;
        }

        var available = softLimit > Reserve ? (softLimit - Reserve) / 2 : 0;
        return available >= int.MaxValue ? null : Math.Max(Minimum, (int)available);
    }

    /// <summary>One socket's share when <paramref name="sockets"/> Gateway sockets are bound; null is unlimited.</summary>
    public int? PerSocket(int sockets) => Total / Math.Max(1, sockets) is { } share ? Math.Max(1, share) : null;

    private static string Text(ulong limit) => DescriptorLimit.IsUnlimited(limit) ? "unlimited" : limit.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 6300, Level = LogLevel.Information,
        Message = "Open-files limit: soft {Soft}, hard {Hard}; client connections across Gateway sockets capped at {Budget} ({Source}) unless a ProxyConfig sets connectionLimits.maxConnections")]
    private static partial void LogDescriptors(ILogger logger, string soft, string hard, string budget, string source);
}
