// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.GatewayApi;
using Gateway.Snapshot;
using Gateway.Translation.Backends;

namespace Gateway.Translation.Routes;

/// <summary>A rule's backendRefs as a weighted forward action; the same for every route kind.</summary>
internal static class BackendRefTranslator
{
    public static RouteAction Forward(
        ImmutableArray<HTTPBackendRef> references, BackendResolver backends, FilterTranslator filters, string kind, string ns, BackendProtocol defaultProtocol)
    {
        if (references.IsDefaultOrEmpty)
        {
            return new DirectResponseAction(500, "This route rule has no backends.");
        }

        var weighted = ImmutableArray.CreateBuilder<WeightedBackend>();
        foreach (var reference in references)
        {
            var (clusterId, reason, message) = backends.Resolve(reference, kind, ns, defaultProtocol);
            if (clusterId is null)
            {
                filters.Unresolved ??= (reason!, message!);
            }

            var backendFilters = filters.Translate(reference.Filters, out _);
            weighted.Add(new WeightedBackend(clusterId, reference.Weight ?? 1) { Filters = backendFilters });
        }

        return new ForwardAction(weighted.ToImmutable());
    }
}
