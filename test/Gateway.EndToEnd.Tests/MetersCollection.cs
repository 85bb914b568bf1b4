// SPDX-License-Identifier: Apache-2.0
namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Tests that read a host's /metrics run alone, after the parallel ones. Every host in this process exports every
/// meter of the same name (OpenTelemetry listens by name, process-wide), so a concurrent test's gateway would add its
/// counts to ours, and its disposal ends the shared metric streams: a gauge then vanishes from our /metrics mid-test.
/// One gateway per process, as in production, has neither problem.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetersCollection
{
    public const string Name = "Meters";
}
