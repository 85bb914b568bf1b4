// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Translation.Naming;

/// <summary>The one place stable ids are built. Ids come from object paths only: no counters, no hashes.</summary>
internal static class Ids
{
    public static string Listener(string ns, string gateway, string listener) => $"gateway/{ns}/{gateway}/listener/{listener}";

    /// <summary>A ListenerSet's listener: under its Gateway, since it binds the Gateway's address; names hold no '/'.</summary>
    public static string ListenerSetListener(string ns, string gateway, string setNamespace, string set, string listener) =>
        $"gateway/{ns}/{gateway}/listenerset/{setNamespace}/{set}/listener/{listener}";

    public static string Route(string kind, string ns, string name, int rule, int match) =>
        $"{kind.ToLowerInvariant()}/{ns}/{name}/rule/{rule}/match/{match}";

    public static string RouteOwner(string kind, string ns, string name) => $"{kind}/{ns}/{name}";

    public static string Cluster(string ns, string service, int port) => $"cluster/{ns}/{service}/{port}";

    /// <summary>A Service port spoken to in a protocol its appProtocol does not name (h2c for GRPCRoute).</summary>
    public static string Cluster(string ns, string service, int port, Snapshot.BackendProtocol protocol) =>
        $"cluster/{ns}/{service}/{port}/{protocol.ToString().ToLowerInvariant()}";
}
