// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests.Conformance;

/// <summary>One gateway per test class, serving the base manifests plus the class's own.</summary>
[NeedsUpstreamMaterial]
public abstract class ConformanceFixture : IAsyncLifetime
{
    private ConformanceGateway? _gateway;

    internal ConformanceGateway Gateway => _gateway ?? throw new InvalidOperationException("not started");

    protected abstract string[] Manifests { get; }

    /// <summary>Our own YAML documents besides the upstream manifests (for features upstream v1.6.1 has no manifest for).</summary>
    protected virtual string[] ExtraDocuments => [];

    public async Task InitializeAsync() =>
        _gateway = await ConformanceGateway.StartAsync(new ConformanceSetup { Manifests = Manifests, ExtraDocuments = ExtraDocuments });

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }
}
