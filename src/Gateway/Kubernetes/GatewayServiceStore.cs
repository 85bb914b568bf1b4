// SPDX-License-Identifier: Apache-2.0
using System.Collections.Immutable;
using Gateway.Model.Core;

namespace Gateway.Kubernetes;

/// <summary>The per-Gateway Services the translator wants and every Service the source sees: what the Service writer reconciles.</summary>
public sealed class GatewayServiceStore : IChangeNotifier
{
    private volatile Snapshot _current = new([], []);

    public Snapshot Current => _current;

    /// <summary>Raised after every update (from the control loop's thread).</summary>
    public event Action? Changed;

    public void Update(ImmutableArray<V1Service> desired, ImmutableArray<V1Service> observed)
    {
        _current = new Snapshot(desired, observed);
        Changed?.Invoke();
    }

    public sealed record Snapshot(ImmutableArray<V1Service> Desired, ImmutableArray<V1Service> Observed);
}
